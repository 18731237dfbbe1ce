using Pocc.Core.Hashing;
using Pocc.Ledger.Primitives;

namespace Pocc.Consensus.Tendermint;

/// <summary>Where a validator is inside a round.</summary>
public enum RoundStep : byte
{
    Propose = 1,
    Prevote = 2,
    Precommit = 3,

    /// <summary>The height is decided; the machine waits for the next <see cref="Start"/>.</summary>
    Committed = 4,
}

/// <summary>
/// The paper's per-process variables at one moment: height, round, step, the lock (a value this validator precommitted
/// and will not prevote against without a newer proof) and the valid value (the latest value seen with a prevote quorum).
/// </summary>
public sealed record TendermintState(
    Height Height, int Round, RoundStep Step,
    Hash32? LockedValue, int LockedRound, Hash32? ValidValue, int ValidRound, Hash32? Decision);
