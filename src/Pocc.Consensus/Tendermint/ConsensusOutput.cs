namespace Pocc.Consensus.Tendermint;

/// <summary>Why an incoming message was refused; the machine's state is unchanged when it refuses one.</summary>
public enum RejectReason
{
    NotStarted = 1,
    WrongHeight,
    RoundTooFarAhead,
    UnknownValidator,
    NotTheProposer,
    BadSignature,
    Duplicate,
    ConflictingVote,
    ConflictingProposal,
    Stale,
    Malformed,
}

/// <summary>A refused event with its reason and a message for logs.</summary>
public sealed record Rejection(RejectReason Reason, string Message);

/// <summary>What one event produced: the actions to perform in order, or why the event was refused.</summary>
public sealed record ConsensusOutput(IReadOnlyList<ConsensusAction> Actions, Rejection? Rejected)
{
    public bool Accepted => Rejected is null;
}
