namespace Pocc.Consensus.Tendermint;

/// <summary>The three timers of a round.</summary>
public enum TimeoutKind : byte
{
    Propose = 1,
    Prevote = 2,
    Precommit = 3,
}

/// <summary>
/// Timeout durations. Each grows linearly with the round (base + round · delta) so that, once the network is
/// synchronous again, some round is long enough for every honest message to arrive: the paper's liveness argument.
/// </summary>
public sealed record TendermintTimeouts
{
    public TimeSpan ProposeBase { get; init; } = TimeSpan.FromSeconds(3);
    public TimeSpan ProposeDelta { get; init; } = TimeSpan.FromMilliseconds(500);
    public TimeSpan PrevoteBase { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan PrevoteDelta { get; init; } = TimeSpan.FromMilliseconds(500);
    public TimeSpan PrecommitBase { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan PrecommitDelta { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan For(TimeoutKind kind, int round)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(round);
        var (baseline, delta) = kind switch
        {
            TimeoutKind.Propose => (ProposeBase, ProposeDelta),
            TimeoutKind.Prevote => (PrevoteBase, PrevoteDelta),
            TimeoutKind.Precommit => (PrecommitBase, PrecommitDelta),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown timeout kind"),
        };
        return baseline + delta * round;
    }
}
