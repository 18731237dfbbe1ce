using Pocc.Consensus.Tendermint;

namespace Pocc.Consensus.Engine.Bft;

/// <summary>Settings of the BFT engine.</summary>
public sealed record TendermintEngineOptions
{
    public TendermintTimeouts Timeouts { get; init; } = new();

    /// <summary>
    /// Where the consensus WAL and the double-sign guard's state live. Without one the validator forgets its lock and
    /// what it signed when it restarts, which is only safe in tests.
    /// </summary>
    public string? DataDirectory { get; init; }

    /// <summary>Messages for later heights kept until this node gets there; beyond this they are dropped so a peer cannot fill memory.</summary>
    public int MaxBufferedMessages { get; init; } = 10_000;

    /// <summary>
    /// The least time between the start of a height and its proposal being built, so an idle network does not spin
    /// empty blocks as fast as messages travel (Tendermint's commit timeout). Zero builds at once. Keep it below the
    /// propose timeout, or every round times out before its proposal arrives.
    /// </summary>
    public TimeSpan MinBlockInterval { get; init; } = TimeSpan.Zero;

    /// <summary>How many heights ahead a message may be and still be buffered.</summary>
    public int MaxHeightsAhead { get; init; } = 4;
}
