using Pocc.Core.Addressing;
using Pocc.Ledger.Genesis;
using Pocc.Ledger.State;
using Pocc.Ledger.Transactions;

namespace Pocc.Ledger.Tests.Chain;

/// <summary>
/// A reference model of the ledger rules written from their description, in plain integers:
/// it decides each transaction's fate and the resulting accounts independently of the real state transition.
/// </summary>
internal sealed class LedgerModel
{
    internal sealed record ModelAccount(ulong Balance, ulong Nonce, ulong Bonded, IReadOnlyList<(ulong Amount, ulong Release)> Unbonding)
    {
        public static readonly ModelAccount Empty = new(0, 0, 0, []);

        public ulong Holdings => Balance + Bonded + Unbonding.Aggregate(0UL, (sum, e) => sum + e.Amount);

        public static ModelAccount Of(Account account) => new(account.Balance.Value, account.Nonce, account.Bonded.Value,
            [.. account.Unbonding.Select(e => (e.Amount.Value, e.ReleaseHeight.Value))]);

        public bool Matches(Account account) => Of(account) is var other
            && other.Balance == Balance && other.Nonce == Nonce && other.Bonded == Bonded && other.Unbonding.SequenceEqual(Unbonding);
    }

    private readonly Dictionary<Address, ModelAccount> _accounts = [];
    private readonly string _chainId;
    private readonly ChainParameters _parameters;

    public LedgerModel(GenesisDocument genesis)
    {
        _chainId = genesis.ChainId;
        _parameters = genesis.GetParameters();
        foreach (var (address, account) in genesis.BuildState().Accounts)
        {
            _accounts[address] = ModelAccount.Of(account);
        }
        GenesisSupply = _accounts.Values.Aggregate(0UL, (sum, a) => sum + a.Holdings);
    }

    public ulong GenesisSupply { get; }

    public ulong Minted { get; private set; }

    public ulong Burned { get; private set; }

    public ModelAccount this[Address address] => _accounts.GetValueOrDefault(address, ModelAccount.Empty);

    public IEnumerable<Address> Addresses => _accounts.Keys;

    private ulong _height;
    private ulong _fees;

    public void BeginBlock(ulong height)
    {
        _height = height;
        _fees = 0;
        foreach (var (address, account) in _accounts.ToList())
        {
            var due = account.Unbonding.Where(e => e.Release <= height).ToList();
            if (due.Count > 0)
            {
                _accounts[address] = account with
                {
                    Balance = account.Balance + due.Aggregate(0UL, (sum, e) => sum + e.Amount),
                    Unbonding = [.. account.Unbonding.Where(e => e.Release > height)],
                };
            }
        }
    }

    /// <summary>Applies <paramref name="signed"/> if the rules allow it; returns null, or the code it must be refused with.</summary>
    public string? Apply(SignedTransaction signed)
    {
        if (!signed.VerifySignature())
        {
            return LedgerErrors.BadSignature;
        }
        var tx = signed.Transaction;
        if (tx.ChainId.Value != _chainId)
        {
            return LedgerErrors.WrongChainId;
        }
        if (tx.Fee.Value < _parameters.MinimumFee.Value)
        {
            return LedgerErrors.FeeTooLow;
        }
        var (amount, to) = tx.Payload switch
        {
            Transfer t => (t.Amount.Value, (Address?)t.To),
            Bond b => (b.Amount.Value, null),
            Unbond u => (u.Amount.Value, null),
            _ => throw new InvalidOperationException(),
        };
        if (amount == 0)
        {
            return LedgerErrors.ZeroAmount;
        }
        if (to == tx.SenderAddress)
        {
            return LedgerErrors.SelfTransfer;
        }
        var sender = this[tx.SenderAddress];
        if (tx.Nonce != sender.Nonce)
        {
            return tx.Nonce < sender.Nonce ? LedgerErrors.NonceTooLow : LedgerErrors.NonceGap;
        }
        ulong spend = tx.Fee.Value + (tx.Payload is Unbond ? 0 : amount);
        if (sender.Balance < spend)
        {
            return LedgerErrors.InsufficientFunds;
        }
        var paid = sender with { Balance = sender.Balance - spend, Nonce = sender.Nonce + 1 };
        switch (tx.Payload)
        {
            case Transfer:
                _accounts[tx.SenderAddress] = paid;
                var recipient = this[to!.Value];
                _accounts[to.Value] = recipient with { Balance = recipient.Balance + amount };
                break;
            case Bond:
                _accounts[tx.SenderAddress] = paid with { Bonded = paid.Bonded + amount };
                break;
            case Unbond:
                if (paid.Bonded < amount)
                {
                    return LedgerErrors.InsufficientStake;
                }
                if (paid.Unbonding.Count >= Account.MaxUnbondingEntries)
                {
                    return LedgerErrors.TooManyUnbondings;
                }
                _accounts[tx.SenderAddress] = paid with
                {
                    Bonded = paid.Bonded - amount,
                    Unbonding = [.. paid.Unbonding, (amount, _height + _parameters.UnbondingPeriodBlocks)],
                };
                break;
        }
        _fees += tx.Fee.Value;
        return null;
    }

    public void EndBlock(Address proposer)
    {
        ulong burned = (ulong)((UInt128)_fees * _parameters.FeeBurnBasisPoints / 10_000);
        var account = this[proposer];
        _accounts[proposer] = account with { Balance = account.Balance + _fees - burned + _parameters.BlockReward.Value };
        Minted += _parameters.BlockReward.Value;
        Burned += burned;
    }
}
