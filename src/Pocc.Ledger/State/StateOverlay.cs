using Pocc.Core.Addressing;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tasks;

namespace Pocc.Ledger.State;

/// <summary>
/// Changes made on top of a <see cref="LedgerState"/> while a block executes. Nothing reaches the state
/// until the whole block is accepted, so a rejected block leaves no trace.
/// </summary>
public sealed class StateOverlay
{
    private readonly LedgerState _base;
    private readonly Dictionary<Address, Account> _accounts = [];
    private readonly Dictionary<Address, Validator> _validators = [];
    private readonly Dictionary<Address, Worker> _workers = [];
    private readonly Dictionary<ulong, ComputeTask> _tasks = [];

    internal StateOverlay(LedgerState baseState)
    {
        _base = baseState;
        Supply = baseState.Supply;
        Registry = baseState.Registry;
    }

    public SupplyLedger Supply { get; set; }

    public TaskRegistry Registry { get; set; }

    public IReadOnlyDictionary<Address, Account> ChangedAccounts => _accounts;

    public IReadOnlyDictionary<Address, Validator> ChangedValidators => _validators;

    public IReadOnlyDictionary<Address, Worker> ChangedWorkers => _workers;

    public IReadOnlyDictionary<ulong, ComputeTask> ChangedTasks => _tasks;

    public Account GetAccount(Address address) =>
        _accounts.TryGetValue(address, out var account) ? account : _base.GetAccount(address);

    public void SetAccount(Address address, Account account) => _accounts[address] = account;

    public Validator? GetValidator(Address address) =>
        _validators.TryGetValue(address, out var validator) ? validator : _base.GetValidator(address);

    public void SetValidator(Address address, Validator validator) => _validators[address] = validator;

    public Worker? GetWorker(Address address) =>
        _workers.TryGetValue(address, out var worker) ? worker : _base.GetWorker(address);

    public void SetWorker(Address address, Worker worker) => _workers[address] = worker;

    public ComputeTask? GetTask(ulong id) => _tasks.TryGetValue(id, out var task) ? task : _base.GetTask(id);

    public void SetTask(ComputeTask task) => _tasks[task.Id] = task;

    /// <summary>Ids of the tasks still open (posted, assigned, committed or verified), in ascending order.</summary>
    public IReadOnlyList<ulong> OpenTaskIds()
    {
        var open = new SortedSet<ulong>(_base.OpenTaskIds);
        foreach (var (id, task) in _tasks)
        {
            if (task.IsOpen)
            {
                open.Add(id);
            }
            else
            {
                open.Remove(id);
            }
        }
        return [.. open];
    }

    /// <summary>Addresses of all registered workers, in address order.</summary>
    public IReadOnlyList<Address> WorkerAddresses()
    {
        var addresses = new SortedSet<Address>(_base.Workers.Keys);
        addresses.UnionWith(_workers.Keys);
        return [.. addresses];
    }

    /// <summary>Addresses of all validators, in address order.</summary>
    public IReadOnlyList<Address> ValidatorAddresses()
    {
        var addresses = new SortedSet<Address>(_base.Validators.Keys);
        addresses.UnionWith(_validators.Keys);
        return [.. addresses];
    }

    /// <summary>Accounts whose unbonding stake is due at <paramref name="height"/>, in address order.</summary>
    public IReadOnlyList<Address> UnbondingDueAt(Height height)
    {
        var due = new SortedSet<Address>(_base.UnbondingDueAt(height));
        foreach (var (address, account) in _accounts)
        {
            due.Remove(address);
            if (account.Unbonding.Length > 0 && account.Unbonding[0].ReleaseHeight <= height)
            {
                due.Add(address);
            }
        }
        return [.. due];
    }
}
