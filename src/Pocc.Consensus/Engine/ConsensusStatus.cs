using Pocc.Core.Addressing;
using Pocc.Ledger.Primitives;

namespace Pocc.Consensus.Engine;

/// <summary>What the engine is doing, for the status API and logs.</summary>
public sealed record ConsensusStatus(string Engine, Height Height, int Validators, Address? LocalValidator, bool Producing, TimeSpan BlockInterval)
{
    /// <summary>The round of the height being decided (<see cref="Height"/> + 1); null for engines without rounds.</summary>
    public int? Round { get; init; }

    /// <summary>The step within <see cref="Round"/> (Propose, Prevote, Precommit, Committed); null for engines without rounds.</summary>
    public string? Step { get; init; }
}
