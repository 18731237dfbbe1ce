using System.Collections.Concurrent;
using Pocc.Core.Addressing;
using Pocc.Core.Hashing;
using Pocc.Core.Merkle;
using Pocc.Ledger.Primitives;

namespace Pocc.Ledger.State;

/// <summary>
/// The whole chain state after some block, in memory, with a sparse Merkle tree over it whose root
/// goes into every header. Not thread-safe: <see cref="Chain.Blockchain"/> serialises access.
/// </summary>
public sealed class LedgerState
{
    // Concurrent so that account lookups (mempool admission, on every core) need no lock: a lookup during a commit
    // sees each account either before or after the block, never torn.
    private readonly ConcurrentDictionary<Address, Account> _accounts;
    private readonly SortedDictionary<Address, Validator> _validators;
    private readonly SparseMerkleTree _tree;
    // Derived index (rebuilt on load, never stored): release height -> accounts with stake due then.
    private readonly SortedDictionary<ulong, SortedSet<Address>> _unbondingDue = [];

    private LedgerState(ConcurrentDictionary<Address, Account> accounts, SortedDictionary<Address, Validator> validators, SupplyLedger supply)
    {
        _accounts = accounts;
        _validators = validators;
        Supply = supply;
        var leaves = new List<KeyValuePair<Hash32, Hash32>>(accounts.Count + validators.Count + 1)
        {
            new(StateKeys.Supply, Blake3Hash.Of(supply.Encode())),
        };
        foreach (var (address, account) in accounts)
        {
            leaves.Add(new(StateKeys.Account(address), Blake3Hash.Of(account.Encode())));
            IndexUnbonding(address, Account.Empty, account);
        }
        foreach (var (address, validator) in validators)
        {
            leaves.Add(new(StateKeys.Validator(address), Blake3Hash.Of(validator.Encode())));
        }
        _tree = SparseMerkleTree.Build(leaves);
    }

    public SupplyLedger Supply { get; private set; }

    public Hash32 Root => _tree.Root;

    public int AccountCount => _accounts.Count;

    public IReadOnlyDictionary<Address, Validator> Validators => _validators;

    public IEnumerable<KeyValuePair<Address, Account>> Accounts => _accounts;

    public static LedgerState Create(IEnumerable<KeyValuePair<Address, Account>> accounts, IEnumerable<KeyValuePair<Address, Validator>> validators, SupplyLedger supply) =>
        new(new ConcurrentDictionary<Address, Account>(accounts), new SortedDictionary<Address, Validator>(new Dictionary<Address, Validator>(validators)), supply);

    public Account GetAccount(Address address) => _accounts.TryGetValue(address, out var account) ? account : Account.Empty;

    public Validator? GetValidator(Address address) => _validators.TryGetValue(address, out var validator) ? validator : null;

    public StateOverlay BeginChanges() => new(this);

    /// <summary>The root the state would have with <paramref name="changes"/> applied; the state itself is left as it was.</summary>
    public Hash32 PreviewRoot(StateOverlay changes)
    {
        var updates = TreeUpdates(changes);
        var undo = new List<KeyValuePair<Hash32, Hash32?>>(updates.Count);
        foreach (var (key, _) in updates)
        {
            undo.Add(new(key, _tree.TryGet(key, out var old) ? old : null));
        }
        _tree.Apply(updates);
        var root = _tree.Root;
        _tree.Apply(undo);
        return root;
    }

    public void Apply(StateOverlay changes)
    {
        _tree.Apply(TreeUpdates(changes));
        foreach (var (address, account) in changes.ChangedAccounts)
        {
            IndexUnbonding(address, GetAccount(address), account);
            _accounts[address] = account;
        }
        foreach (var (address, validator) in changes.ChangedValidators)
        {
            _validators[address] = validator;
        }
        Supply = changes.Supply;
    }

    public SparseMerkleProof ProveAccount(Address address) => _tree.Prove(StateKeys.Account(address));

    internal IEnumerable<Address> UnbondingDueAt(Height height)
    {
        foreach (var (release, addresses) in _unbondingDue)
        {
            if (release > height.Value)
            {
                yield break;
            }
            foreach (var address in addresses)
            {
                yield return address;
            }
        }
    }

    /// <summary>The sum of every account's holdings; equals <see cref="SupplyLedger.Total"/> in every valid state.</summary>
    public Amount SumOfHoldings()
    {
        var total = Amount.Zero;
        foreach (var account in _accounts.Values)
        {
            total += account.Holdings;
        }
        return total;
    }

    private List<KeyValuePair<Hash32, Hash32?>> TreeUpdates(StateOverlay changes)
    {
        var updates = new List<KeyValuePair<Hash32, Hash32?>>(changes.ChangedAccounts.Count + changes.ChangedValidators.Count + 1);
        foreach (var (address, account) in changes.ChangedAccounts)
        {
            updates.Add(new(StateKeys.Account(address), Blake3Hash.Of(account.Encode())));
        }
        foreach (var (address, validator) in changes.ChangedValidators)
        {
            updates.Add(new(StateKeys.Validator(address), Blake3Hash.Of(validator.Encode())));
        }
        if (changes.Supply != Supply)
        {
            updates.Add(new(StateKeys.Supply, Blake3Hash.Of(changes.Supply.Encode())));
        }
        return updates;
    }

    private void IndexUnbonding(Address address, Account before, Account after)
    {
        foreach (var entry in before.Unbonding)
        {
            if (_unbondingDue.TryGetValue(entry.ReleaseHeight.Value, out var set))
            {
                set.Remove(address);
                if (set.Count == 0)
                {
                    _unbondingDue.Remove(entry.ReleaseHeight.Value);
                }
            }
        }
        foreach (var entry in after.Unbonding)
        {
            if (!_unbondingDue.TryGetValue(entry.ReleaseHeight.Value, out var set))
            {
                _unbondingDue[entry.ReleaseHeight.Value] = set = [];
            }
            set.Add(address);
        }
    }
}
