using Pocc.Ledger.Primitives;
using Pocc.Ledger.State;
using Pocc.Ledger.Tasks;

namespace Pocc.Cli.Workers;

/// <summary>How a <see cref="WorkerAgent"/> registers, polls and (for fault-injection tests) misbehaves.</summary>
public sealed record WorkerAgentOptions
{
    /// <summary>URL of the node's HTTP API.</summary>
    public required string NodeUrl { get; init; }

    /// <summary>What the worker declares it runs when it registers.</summary>
    public WorkerCapabilities Capabilities { get; init; } = TaskKinds.All;

    /// <summary>Stake locked at registration; null means the chain's default minimum worker stake.</summary>
    public Amount? Stake { get; init; }

    /// <summary>Fee of each transaction the worker sends (registration, result commitments).</summary>
    public Amount TransactionFee { get; init; } = new(10);

    /// <summary>
    /// Probability in [0, 1] of corrupting one entry of a computed result before committing it: a deliberately
    /// dishonest worker, for testing that the chain catches and slashes wrong results. 0 for an honest worker.
    /// </summary>
    public double FaultyRate { get; init; }

    /// <summary>Seed of the random source that decides which results to corrupt and where.</summary>
    public int Seed { get; init; }

    /// <summary>How often the node is asked for newly assigned tasks.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest wait between retries while the node is unreachable.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the registration transaction may take to be finalized.</summary>
    public TimeSpan RegistrationTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A submitted commitment still pending after this long is re-sent with a fresh nonce (a lower nonce may have been dropped).</summary>
    public TimeSpan CommitStuckAfter { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Failed attempts (download, upload, submit) after which a task is given up.</summary>
    public int MaxTaskFailures { get; init; } = 8;

    /// <summary>The stake used when <see cref="Stake"/> is null: ten times the default chain parameters' minimum, so a few 1 % penalties do not drop the worker below it.</summary>
    public static Amount DefaultStake => new(new ChainParameters().MinimumWorkerStake.Value * 10);

    public void Validate()
    {
        if (!(FaultyRate is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(FaultyRate), FaultyRate, "the faulty rate is a probability between 0 and 1");
        }
        if (Capabilities == WorkerCapabilities.None || (Capabilities & ~TaskKinds.All) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Capabilities), Capabilities, "declare at least one known capability");
        }
        if (PollInterval <= TimeSpan.Zero || MaxBackoff < PollInterval || MaxTaskFailures < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(PollInterval), "the poll interval must be positive, the backoff at least the poll interval, and at least one attempt allowed");
        }
    }
}
