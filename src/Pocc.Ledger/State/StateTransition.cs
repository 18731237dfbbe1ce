using System.Collections.Immutable;
using Pocc.Core.Addressing;
using Pocc.Ledger.Primitives;
using Pocc.Core.Hashing;
using Pocc.Ledger.Consensus;
using Pocc.Ledger.Tasks;
using Pocc.Ledger.Transactions;

namespace Pocc.Ledger.State;

/// <summary>
/// The rules of the state machine, in integer arithmetic, with no clock and no randomness.
/// Every transaction is fully checked before its first write, so a refused transaction changes nothing.
/// Signatures are checked by the caller (in parallel, before any of this runs).
/// </summary>
public sealed class StateTransition
{
    private readonly TaskRules _tasks;
    private readonly EvidenceRules _evidence;

    public StateTransition(ChainId chainId, ChainParameters parameters)
    {
        ChainId = chainId;
        Parameters = parameters;
        _tasks = new TaskRules(parameters);
        _evidence = new EvidenceRules(chainId, parameters);
    }

    public ChainId ChainId { get; }

    public ChainParameters Parameters { get; }

    /// <summary>Checks that need no state: chain id, fee floor, amounts. Throws <see cref="LedgerException"/>.</summary>
    public void CheckStateless(SignedTransaction signed)
    {
        var tx = signed.Transaction;
        if (tx.ChainId != ChainId)
        {
            throw new LedgerException(LedgerErrors.WrongChainId, $"transaction is for chain '{tx.ChainId}', this is '{ChainId}'");
        }
        if (tx.Fee < Parameters.MinimumFee)
        {
            throw new LedgerException(LedgerErrors.FeeTooLow, $"fee {tx.Fee} is below the minimum of {Parameters.MinimumFee}");
        }
        switch (tx.Payload)
        {
            case Transfer transfer:
                RequirePositive(transfer.Amount);
                if (transfer.To == tx.SenderAddress)
                {
                    throw new LedgerException(LedgerErrors.SelfTransfer, "a transfer to the sender itself is refused");
                }
                break;
            case Bond bond:
                RequirePositive(bond.Amount);
                break;
            case Unbond unbond:
                RequirePositive(unbond.Amount);
                break;
            case RegisterWorker register:
                RequirePositive(register.Stake);
                break;
            case PostTask post:
                _tasks.CheckSpec(post.Spec, post.Fee);
                break;
            case AddWorkerStake add:
                RequirePositive(add.Amount);
                break;
            case WithdrawWorkerStake withdraw:
                RequirePositive(withdraw.Amount);
                break;
            case SubmitEvidence submit:
                EvidenceRules.CheckShape(submit.Evidence);
                break;
            case CommitResult or SubmitVerdict or Unjail:
                break;
            default:
                throw new LedgerException(LedgerErrors.Invalid, $"unsupported transaction kind {tx.Payload.Kind}");
        }
    }

    /// <summary>Applies one transaction at <paramref name="height"/>, returning the fee it paid; throws and changes nothing if it is invalid.</summary>
    public Amount Apply(StateOverlay state, SignedTransaction signed, Height height)
    {
        CheckStateless(signed);
        var tx = signed.Transaction;
        var sender = tx.SenderAddress;
        var account = state.GetAccount(sender);
        if (tx.Nonce != account.Nonce)
        {
            throw tx.Nonce < account.Nonce
                ? new LedgerException(LedgerErrors.NonceTooLow, $"nonce {tx.Nonce} already used; the account's next nonce is {account.Nonce}")
                : new LedgerException(LedgerErrors.NonceGap, $"nonce {tx.Nonce} is ahead of the account's next nonce {account.Nonce}");
        }
        var spend = RequireAffordable(account, tx);
        var paid = account with { Balance = account.Balance - spend, Nonce = account.Nonce + 1 };

        switch (tx.Payload)
        {
            case Transfer transfer:
                state.SetAccount(sender, paid);
                var recipient = state.GetAccount(transfer.To);
                state.SetAccount(transfer.To, recipient with { Balance = recipient.Balance + transfer.Amount });
                break;
            case Bond bond:
                state.SetAccount(sender, paid with { Bonded = paid.Bonded + bond.Amount });
                break;
            case RegisterWorker register:
                _tasks.RegisterWorker(state, sender, register, height);
                state.SetAccount(sender, paid);
                break;
            case PostTask post:
                _tasks.PostTask(state, sender, post, height);
                state.SetAccount(sender, paid);
                break;
            case AddWorkerStake add:
                var topped = _tasks.CheckAddStake(state, sender);
                state.SetAccount(sender, paid);
                _tasks.AddStake(state, sender, topped, add);
                break;
            case WithdrawWorkerStake withdraw:
                var withdrawing = _tasks.CheckWithdrawStake(state, sender, withdraw);
                state.SetAccount(sender, paid);
                _tasks.WithdrawStake(state, sender, withdrawing, withdraw, height);
                break;
            case CommitResult commit:
                var assigned = _tasks.CheckCommit(state, sender, commit, height);
                state.SetAccount(sender, paid);
                _tasks.CommitResult(state, assigned, commit, height);
                break;
            case SubmitVerdict verdict:
                var committed = _tasks.CheckVerdict(state, sender, verdict, height);
                state.SetAccount(sender, paid);
                _tasks.ApplyVerdict(state, committed, verdict.Outcome, height);
                break;
            case SubmitEvidence submit:
                var offender = _evidence.Check(state, submit.Evidence, height);
                state.SetAccount(sender, paid);
                _evidence.Punish(state, sender, submit.Evidence, offender, height);
                break;
            case Unjail:
                var released = CheckUnjail(state, sender, paid, height);
                state.SetAccount(sender, paid);
                state.SetValidator(sender, released with { Jailed = false });
                break;
            case Unbond unbond:
                if (paid.Bonded < unbond.Amount)
                {
                    throw new LedgerException(LedgerErrors.InsufficientStake, $"bonded stake {paid.Bonded} is less than the {unbond.Amount} to unbond");
                }
                if (paid.Unbonding.Length >= Account.MaxUnbondingEntries)
                {
                    throw new LedgerException(LedgerErrors.TooManyUnbondings, $"at most {Account.MaxUnbondingEntries} unbondings may be pending at once");
                }
                var release = new Height(height.Value + Parameters.UnbondingPeriodBlocks);
                state.SetAccount(sender, paid with
                {
                    Bonded = paid.Bonded - unbond.Amount,
                    // Appending keeps the queue sorted: release heights only grow.
                    Unbonding = paid.Unbonding.Add(new UnbondingEntry(unbond.Amount, release)),
                });
                break;
        }
        return tx.Fee;
    }

    /// <summary>
    /// Before the block's transactions: stake whose unbonding period has ended returns to the balance, and assigned
    /// tasks past their deadline go back to the market.
    /// </summary>
    public void BeginBlock(StateOverlay state, Height height)
    {
        _tasks.BeginBlock(state, height);
        foreach (var address in state.UnbondingDueAt(height))
        {
            var account = state.GetAccount(address);
            var released = Amount.Zero;
            var remaining = ImmutableArray.CreateBuilder<UnbondingEntry>();
            foreach (var entry in account.Unbonding)
            {
                if (entry.ReleaseHeight <= height)
                {
                    released += entry.Amount;
                }
                else
                {
                    remaining.Add(entry);
                }
            }
            state.SetAccount(address, account with { Balance = account.Balance + released, Unbonding = remaining.ToImmutable() });
        }
    }

    /// <summary>
    /// After the transactions: settle the results verified in this block and assign posted tasks (see
    /// <see cref="TaskRules.EndBlock"/>), mint the block reward (split between those workers and the proposer),
    /// burn the fees' burn share and pay the rest of the fees to the proposer. The last block of an epoch also credits
    /// each validator with the compute its worker verified during the epoch (see <see cref="CloseEpoch"/>) and, with
    /// this block's <paramref name="beacon"/>, draws the next epoch's committee (see <see cref="Committee.Rotate"/>).
    /// </summary>
    public void EndBlock(StateOverlay state, Address proposer, Amount fees, Hash32 parentHash, Height height, Hash32 beacon)
    {
        var proposerIncome = _tasks.EndBlock(state, proposer, parentHash, height);
        var burned = Parameters.FeeBurn(fees);
        var proposerAccount = state.GetAccount(proposer);
        state.SetAccount(proposer, proposerAccount with { Balance = proposerAccount.Balance + (fees - burned) + proposerIncome });
        state.Supply = state.Supply with
        {
            Minted = state.Supply.Minted + Parameters.BlockReward,
            Burned = state.Supply.Burned + burned,
        };
        if (height.Value % Parameters.EpochLengthBlocks == 0)
        {
            CloseEpoch(state);
            Committee.Rotate(state, Parameters, beacon);
        }
    }

    /// <summary>
    /// Fixes the compute part of every validator's voting power for the next epoch: its credit becomes the verified
    /// compute units its own worker (the worker registered under the validator's address) gained since the previous
    /// boundary. Runs after this block's settlements, so compute verified in the epoch's last block counts.
    /// </summary>
    public static void CloseEpoch(StateOverlay state)
    {
        foreach (var address in state.ValidatorAddresses())
        {
            var validator = state.GetValidator(address)!;
            ulong cumulative = state.GetWorker(address)?.VerifiedComputeUnits ?? 0;
            // Verified units only grow; the guard keeps a record written by an older rule from underflowing.
            ulong credit = cumulative >= validator.ComputeMark ? cumulative - validator.ComputeMark : 0;
            if (credit != validator.ComputeCredit || cumulative != validator.ComputeMark)
            {
                state.SetValidator(address, validator with { ComputeCredit = credit, ComputeMark = cumulative });
            }
        }
    }

    /// <summary>The sender's validator record, if it is jailed, has served its time and is still bonded enough to rejoin.</summary>
    private Validator CheckUnjail(StateOverlay state, Address sender, Account account, Height height)
    {
        var validator = state.GetValidator(sender);
        if (validator is not { Jailed: true })
        {
            throw new LedgerException(LedgerErrors.NotJailed, $"{sender} is not a jailed validator");
        }
        if ((UInt128)validator.JailedAt + Parameters.JailBlocks > height.Value)
        {
            throw new LedgerException(LedgerErrors.JailNotServed, $"jailed at block {validator.JailedAt}; unjail is accepted from block {(UInt128)validator.JailedAt + Parameters.JailBlocks}");
        }
        if (account.Bonded < Parameters.MinimumValidatorStake)
        {
            throw new LedgerException(LedgerErrors.StakeBelowMinimum, $"bonded stake {account.Bonded} is below the validator minimum {Parameters.MinimumValidatorStake}");
        }
        return validator;
    }

    /// <summary>
    /// What the transaction takes from the balance (fee plus the amount it moves or bonds), refused if the balance
    /// does not cover it. Summed in 128 bits: a fee and amount whose sum overflows 64 bits are simply unaffordable.
    /// </summary>
    public static Amount RequireAffordable(Account account, Transaction tx)
    {
        UInt128 spend = (UInt128)tx.Fee.Value + tx.Payload switch
        {
            Transfer t => t.Amount.Value,
            Bond b => b.Amount.Value,
            RegisterWorker r => r.Stake.Value,
            AddWorkerStake a => a.Amount.Value,
            PostTask p => p.Fee.Value,
            _ => 0UL,
        };
        if (spend > account.Balance.Value)
        {
            throw new LedgerException(LedgerErrors.InsufficientFunds, $"balance {account.Balance} is less than the {spend} this transaction spends (fee included)");
        }
        return new Amount((ulong)spend);
    }

    private static void RequirePositive(Amount amount)
    {
        if (amount == Amount.Zero)
        {
            throw new LedgerException(LedgerErrors.ZeroAmount, "amount must be positive");
        }
    }
}
