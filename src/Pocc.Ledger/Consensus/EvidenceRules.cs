using System.Collections.Immutable;
using Pocc.Core.Addressing;
using Pocc.Ledger.Economics;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.State;

namespace Pocc.Ledger.Consensus;

/// <summary>
/// Checks and applies equivocation evidence. Like every handler of the state transition it checks everything
/// before its first write, so refused evidence changes nothing.
/// </summary>
public sealed class EvidenceRules
{
    private readonly ChainId _chainId;
    private readonly ChainParameters _parameters;

    public EvidenceRules(ChainId chainId, ChainParameters parameters)
    {
        _chainId = chainId;
        _parameters = parameters;
    }

    /// <summary>What needs no state: the two votes are of one validator, type, height and round, and for different values.</summary>
    public static void CheckShape(DuplicateVoteEvidence evidence)
    {
        var (first, second) = (evidence.First, evidence.Second);
        Require(first.Validator == second.Validator, LedgerErrors.EvidenceInvalid, "the two votes are of different validators");
        Require(first.Type == second.Type && first.Height == second.Height && first.Round == second.Round, LedgerErrors.EvidenceInvalid,
            "the two votes are not of the same type, height and round");
        Require(first.BlockHash != second.BlockHash, LedgerErrors.EvidenceInvalid, "the two votes are for the same value, so they do not conflict");
        Require(first.Height > Height.Genesis, LedgerErrors.EvidenceInvalid, "nobody votes at height 0");
    }

    /// <summary>
    /// Every check of evidence included at <paramref name="height"/>: its shape, the validator known to the state, the
    /// vote height before this block and no more than <c>evidence_max_age_blocks</c> behind it, the offence not yet
    /// punished, and both signatures valid under the key in state for this chain. Returns the validator to punish.
    /// </summary>
    public Validator Check(StateOverlay state, DuplicateVoteEvidence evidence, Height height)
    {
        CheckShape(evidence);
        var validator = state.GetValidator(evidence.Validator)
            ?? throw new LedgerException(LedgerErrors.EvidenceUnknownValidator, $"{evidence.Validator} is not a validator");
        Require(evidence.Height < height, LedgerErrors.EvidenceFromFuture, $"evidence is for height {evidence.Height}, which is not before this block ({height})");
        Require(height.Value - evidence.Height.Value <= _parameters.EvidenceMaxAgeBlocks, LedgerErrors.EvidenceTooOld,
            $"evidence for height {evidence.Height} is more than {_parameters.EvidenceMaxAgeBlocks} blocks old at height {height}");
        Require(!validator.WasPunishedFor(evidence.Key), LedgerErrors.EvidenceDuplicate,
            $"{evidence.Validator} was already punished for height {evidence.Height} round {evidence.First.Round}");
        Require(LivePunishments(validator, height).Count < Validator.MaxPunished, LedgerErrors.EvidenceRecordFull,
            $"{evidence.Validator} already has {Validator.MaxPunished} punishments within the evidence age limit");
        // Verify checks that the key is the validator's (address derived from it) and signed both votes on this chain.
        Require(evidence.First.Verify(_chainId, validator.PublicKey) && evidence.Second.Verify(_chainId, validator.PublicKey),
            LedgerErrors.EvidenceBadSignature, $"the votes are not both signed by {evidence.Validator}'s key on chain '{_chainId}'");
        return validator;
    }

    /// <summary>
    /// Slashes <c>equivocation_slash_basis_points</c> of the validator's bonded stake and of every unbonding entry that
    /// entered the queue at or after the offence height (so unbonding right after equivocating does not escape), pays
    /// <c>evidence_reward_basis_points</c> of the slashed total to <paramref name="submitter"/>, burns the rest, jails the
    /// validator and records the offence. Returns the slashed total.
    /// </summary>
    public Amount Punish(StateOverlay state, Address submitter, DuplicateVoteEvidence evidence, Validator validator, Height height)
    {
        var account = state.GetAccount(evidence.Validator);
        var bondedCut = Slash(account.Bonded);
        var slashed = bondedCut;
        var unbonding = ImmutableArray.CreateBuilder<UnbondingEntry>(account.Unbonding.Length);
        foreach (var entry in account.Unbonding)
        {
            // The entry entered the queue at release − unbonding_period (release ≥ the period by construction).
            bool afterOffence = entry.ReleaseHeight.Value - _parameters.UnbondingPeriodBlocks >= evidence.Height.Value;
            var cut = afterOffence ? Slash(entry.Amount) : Amount.Zero;
            slashed += cut;
            if (entry.Amount > cut)
            {
                unbonding.Add(entry with { Amount = entry.Amount - cut });
            }
        }
        state.SetAccount(evidence.Validator, account with { Bonded = account.Bonded - bondedCut, Unbonding = unbonding.ToImmutable() });

        var reward = slashed.MulDiv(_parameters.EvidenceRewardBasisPoints, TaskEconomics.BasisPoints);
        var submitterAccount = state.GetAccount(submitter);
        state.SetAccount(submitter, submitterAccount with { Balance = submitterAccount.Balance + reward });
        state.Supply = state.Supply with { Burned = state.Supply.Burned + (slashed - reward) };

        var punished = LivePunishments(validator, height);
        punished.Add(evidence.Key);
        state.SetValidator(evidence.Validator, validator with { Jailed = true, JailedAt = height.Value, Punished = [.. punished] });
        return slashed;
    }

    private Amount Slash(Amount stake) => stake.MulDiv(_parameters.EquivocationSlashBasisPoints, TaskEconomics.BasisPoints);

    /// <summary>The recorded offences still young enough for evidence to be accepted; older ones can never come back, so they are dropped.</summary>
    private SortedSet<EquivocationKey> LivePunishments(Validator validator, Height height)
    {
        var live = new SortedSet<EquivocationKey>();
        foreach (var key in validator.Punished)
        {
            if ((UInt128)key.Height + _parameters.EvidenceMaxAgeBlocks >= height.Value)
            {
                live.Add(key);
            }
        }
        return live;
    }

    private static void Require(bool condition, string code, string message)
    {
        if (!condition)
        {
            throw new LedgerException(code, message);
        }
    }
}
