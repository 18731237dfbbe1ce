using Pocc.Ledger.Primitives;

namespace Pocc.Ledger.State;

/// <summary>Stake on its way back to the balance, released at the start of block <paramref name="ReleaseHeight"/>.</summary>
public readonly record struct UnbondingEntry(Amount Amount, Height ReleaseHeight);
