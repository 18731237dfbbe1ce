using System.Collections.Concurrent;
using Pocc.Core.Addressing;
using Pocc.Core.Hashing;
using Pocc.Core.Merkle;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tasks;

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
    private readonly SortedDictionary<Address, Worker> _workers;
    private readonly Dictionary<ulong, ComputeTask> _tasks;
    // Derived index (rebuilt on load): the tasks that block processing still has to look at.
    private readonly SortedSet<ulong> _openTasks = [];
    private readonly SparseMerkleTree _tree;
    // Derived index (rebuilt on load, never stored): release height -> accounts with stake due then.
    private readonly SortedDictionary<ulong, SortedSet<Address>> _unbondingDue = [];

    private LedgerState(ConcurrentDictionary<Address, Account> accounts, SortedDictionary<Address, Validator> validators, SupplyLedger supply,
        SortedDictionary<Address, Worker> workers, Dictionary<ulong, ComputeTask> tasks, TaskRegistry registry)
    {
        _accounts = accounts;
        _validators = validators;
        _workers = workers;
        _tasks = tasks;
        Supply = supply;
        Registry = registry;
        var leaves = new List<KeyValuePair<Hash32, Hash32>>(accounts.Count + validators.Count + workers.Count + tasks.Count + 2)
        {
            new(StateKeys.Supply, Blake3Hash.Of(supply.Encode())),
            new(StateKeys.TaskRegistry, Blake3Hash.Of(registry.Encode())),
        };
        foreach (var (address, worker) in workers)
        {
            leaves.Add(new(StateKeys.Worker(address), Blake3Hash.Of(worker.Encode())));
        }
        foreach (var (id, task) in tasks)
        {
            leaves.Add(new(StateKeys.Task(id), Blake3Hash.Of(task.Encode())));
            if (task.IsOpen)
            {
                _openTasks.Add(id);
            }
        }
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

    public TaskRegistry Registry { get; private set; }

    public IReadOnlyDictionary<Address, Worker> Workers => _workers;

    public IReadOnlyDictionary<ulong, ComputeTask> Tasks => _tasks;

    public IReadOnlyCollection<ulong> OpenTaskIds => _openTasks;

    public Hash32 Root => _tree.Root;

    public int AccountCount => _accounts.Count;

    public IReadOnlyDictionary<Address, Validator> Validators => _validators;

    public IEnumerable<KeyValuePair<Address, Account>> Accounts => _accounts;

    public static LedgerState Create(IEnumerable<KeyValuePair<Address, Account>> accounts, IEnumerable<KeyValuePair<Address, Validator>> validators, SupplyLedger supply) =>
        Create(accounts, validators, supply, [], [], TaskRegistry.Initial);

    public static LedgerState Create(IEnumerable<KeyValuePair<Address, Account>> accounts, IEnumerable<KeyValuePair<Address, Validator>> validators, SupplyLedger supply,
        IEnumerable<KeyValuePair<Address, Worker>> workers, IEnumerable<ComputeTask> tasks, TaskRegistry registry) =>
        new(new ConcurrentDictionary<Address, Account>(accounts), new SortedDictionary<Address, Validator>(new Dictionary<Address, Validator>(validators)), supply,
            new SortedDictionary<Address, Worker>(new Dictionary<Address, Worker>(workers)), tasks.ToDictionary(t => t.Id), registry);

    public Worker? GetWorker(Address address) => _workers.TryGetValue(address, out var worker) ? worker : null;

    public ComputeTask? GetTask(ulong id) => _tasks.TryGetValue(id, out var task) ? task : null;

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
        foreach (var (address, worker) in changes.ChangedWorkers)
        {
            _workers[address] = worker;
        }
        foreach (var (id, task) in changes.ChangedTasks)
        {
            _tasks[id] = task;
            if (task.IsOpen)
            {
                _openTasks.Add(id);
            }
            else
            {
                _openTasks.Remove(id);
            }
        }
        Supply = changes.Supply;
        Registry = changes.Registry;
    }

    public SparseMerkleProof ProveAccount(Address address) => _tree.Prove(StateKeys.Account(address));

    public SparseMerkleProof Prove(Hash32 key) => _tree.Prove(key);

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

    /// <summary>
    /// Every token the state holds: account holdings, workers' stakes and the fees escrowed by open tasks.
    /// Equals <see cref="SupplyLedger.Total"/> in every valid state.
    /// </summary>
    public Amount SumOfHoldings()
    {
        var total = Amount.Zero;
        foreach (var account in _accounts.Values)
        {
            total += account.Holdings;
        }
        foreach (var worker in _workers.Values)
        {
            total += worker.Stake;
        }
        foreach (var id in _openTasks)
        {
            total += _tasks[id].Fee;
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
        foreach (var (address, worker) in changes.ChangedWorkers)
        {
            updates.Add(new(StateKeys.Worker(address), Blake3Hash.Of(worker.Encode())));
        }
        foreach (var (id, task) in changes.ChangedTasks)
        {
            updates.Add(new(StateKeys.Task(id), Blake3Hash.Of(task.Encode())));
        }
        if (changes.Supply != Supply)
        {
            updates.Add(new(StateKeys.Supply, Blake3Hash.Of(changes.Supply.Encode())));
        }
        if (changes.Registry != Registry)
        {
            updates.Add(new(StateKeys.TaskRegistry, Blake3Hash.Of(changes.Registry.Encode())));
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
