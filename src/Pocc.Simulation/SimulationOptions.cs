namespace Pocc.Simulation;

/// <summary>What one seed simulates; everything random in the run comes from <see cref="Seed"/>.</summary>
public sealed record SimulationOptions
{
    public required int Seed { get; init; }

    public int Validators { get; init; } = 4;

    /// <summary>How many validators misbehave; more than ⌊(n−1)/3⌋ voids the safety guarantee (tests use that to see the checks fire).</summary>
    public int Byzantine { get; init; }

    /// <summary>The height every honest validator must reach after the network stabilizes.</summary>
    public ulong TargetHeight { get; init; } = 4;

    /// <summary>How long after GST (and after the last restart) every honest validator gets to reach the target.</summary>
    public long LivenessBoundMs { get; init; } = 60_000;

    /// <summary>
    /// Whether Byzantine validators send different peers different signed votes for one step. The engine does not relay
    /// votes, so a validator can lock on a block whose proof-of-lock only it saw and stall the height (see docs/simulator.md).
    /// </summary>
    public bool Equivocate { get; init; } = true;

    /// <summary>Keep a readable line per notable event (faults, commits) for replaying one seed.</summary>
    public bool Trace { get; init; }

    /// <summary>Deliberately broken runs, to show that the invariant checks can fail.</summary>
    public Sabotage Sabotage { get; init; }

    public static int MaxTolerated(int validators) => (validators - 1) / 3;
}

/// <summary>A fault outside the model that the invariant checks must catch.</summary>
public enum Sabotage
{
    None,

    /// <summary>Byzantine validators sign votes for one block to half the honest validators and for another to the rest.</summary>
    SplitVotes,

    /// <summary>The auditor ledger is told one honest validator's state root differs from the others'.</summary>
    CorruptStateRoot,

    /// <summary>The network never stabilizes: every message is dropped after the start.</summary>
    NeverHeal,
}

/// <summary>An invariant that failed: where (seed, step, virtual time) and what.</summary>
public sealed record Violation(int Seed, int Validators, long Step, long VirtualTimeMs, string Kind, string Detail);

/// <summary>What one seed did.</summary>
public sealed record SimulationResult(
    int Seed,
    int Validators,
    int Byzantine,
    ulong MinHeight,
    ulong MaxHeight,
    uint MaxRound,
    int Evidence,
    int Crashes,
    int Junk,
    long Steps,
    long VirtualTimeMs,
    string TraceHash,
    IReadOnlyList<Violation> Violations,
    IReadOnlyList<string> Trace);
