namespace Pocc.Ledger.Tasks;

/// <summary>
/// Where a task is in its life: Posted → Assigned → Committed → Verified → Settled. A verdict moves a committed
/// task to Verified and the end of the same block pays it out (Settled). A proven-wrong result ends the task as
/// Rejected: the worker is slashed and the fee goes back to the requester. A missed deadline or an unavailable
/// result returns the task to Posted for another worker while attempts remain, else it is Expired and its fee
/// refunded. Values are consensus.
/// </summary>
public enum TaskState : byte
{
    Posted = 1,
    Assigned = 2,
    Committed = 3,
    Verified = 4,
    Settled = 5,
    Rejected = 6,
    Expired = 7,
}

/// <summary>Why a task's last attempt ended the way it did; recorded on-chain so every penalty names its cause.</summary>
public enum TaskOutcome : byte
{
    None = 0,

    /// <summary>The certificate check passed; the worker was paid.</summary>
    Verified = 1,

    /// <summary>The certificate check proved the result wrong; the worker's stake was slashed.</summary>
    WrongResult = 2,

    /// <summary>The result blob was not of the declared shape or format; as provably wrong as a wrong product.</summary>
    MalformedResult = 3,

    /// <summary>The validators could not fetch the committed result; a small penalty, like a missed deadline.</summary>
    ResultUnavailable = 4,

    /// <summary>The assigned worker committed nothing before the deadline; a small penalty.</summary>
    DeadlineMissed = 5,

    /// <summary>No worker could take the task, or it ran out of attempts; the fee went back to the requester.</summary>
    Refunded = 6,

    /// <summary>
    /// No validator gave a verdict within the verdict timeout: the validators' failure, not the worker's, so the
    /// worker is released without penalty and the fee goes back to the requester.
    /// </summary>
    Unverified = 7,
}
