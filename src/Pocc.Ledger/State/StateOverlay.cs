using Pocc.Core.Addressing;
using Pocc.Ledger.Primitives;

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

    internal StateOverlay(LedgerState baseState)
    {
        _base = baseState;
        Supply = baseState.Supply;
    }

    public SupplyLedger Supply { get; set; }

    public IReadOnlyDictionary<Address, Account> ChangedAccounts => _accounts;

    public IReadOnlyDictionary<Address, Validator> ChangedValidators => _validators;

    public Account GetAccount(Address address) =>
        _accounts.TryGetValue(address, out var account) ? account : _base.GetAccount(address);

    public void SetAccount(Address address, Account account) => _accounts[address] = account;

    public Validator? GetValidator(Address address) =>
        _validators.TryGetValue(address, out var validator) ? validator : _base.GetValidator(address);

    public void SetValidator(Address address, Validator validator) => _validators[address] = validator;

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
