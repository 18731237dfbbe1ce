using Pocc.Node.Telemetry;
using Pocc.Core.Hashing;
using Pocc.Ledger.Tasks;

namespace Pocc.Cli.Workers;

/// <summary>What a <see cref="WorkerEvent"/> reports.</summary>
public enum WorkerEventKind
{
    /// <summary>Registration found or completed.</summary>
    Registered,

    /// <summary>A result was computed, uploaded and its commitment submitted.</summary>
    TaskCommitted,

    /// <summary>A task was given up (unusable inputs, or too many failed attempts).</summary>
    TaskSkipped,

    /// <summary>One attempt at a task failed; it will be retried.</summary>
    TaskRetry,

    /// <summary>A commitment was dropped or stuck and was sent again with a fresh nonce.</summary>
    CommitResubmitted,

    /// <summary>The node stopped answering; the agent keeps retrying with backoff.</summary>
    NodeUnreachable,

    /// <summary>The node answers again.</summary>
    NodeReachable,

    /// <summary>Anything else worth a line in the log.</summary>
    Info,
}

/// <summary>One line of the worker's progress, for the console or a log.</summary>
public sealed record WorkerEvent(WorkerEventKind Kind, string Message, ulong? TaskId = null, WorkerTaskReport? Report = null);

/// <summary>
/// One computed task: its shape, how long the product took (wall-clock milliseconds, and the process's CPU
/// milliseconds over the same interval, which include every kernel thread), whether the result was corrupted on
/// purpose, and what was committed.
/// </summary>
public sealed record WorkerTaskReport(
    ulong TaskId,
    string Dtype,
    uint Rows,
    uint Inner,
    uint Columns,
    double ComputeMs,
    double CpuMs,
    bool Corrupted,
    BlobRef Result,
    Hash32 CommitTransaction)
{
    /// <summary>The part of the report a node's market statistics keep.</summary>
    public ComputeReport ToComputeReport() => new(TaskId, ComputeMs, CpuMs, Corrupted);
}
