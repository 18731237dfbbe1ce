using Pocc.Consensus.Engine;
using Pocc.Ledger.Chain;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tasks;

namespace Pocc.Node.Telemetry;

/// <summary>
/// The last <see cref="Capacity"/> finalized blocks as time-series points (transactions, finality, verified compute,
/// tasks closed, the useful-work fraction), for the dashboard's plots. Filled from the chain at start-up so a restarted node still shows its
/// recent past; finality is known only for blocks finalized while this process ran.
/// </summary>
public sealed class ChainHistory
{
    public const int Capacity = 1_000;

    private readonly Lock _lock = new();
    private readonly Queue<HistorySampleModel> _samples = new(Capacity);
    private readonly MarketStatistics _market;

    public ChainHistory(Blockchain chain, MarketStatistics market)
    {
        _market = market;
        ulong head = chain.Height.Value;
        ulong first = head > Capacity ? head - Capacity + 1 : 1;
        // Tasks closed inside the window, grouped by the block that closed them.
        var closed = chain.GetTasks(ulong.MaxValue, int.MaxValue)
            .Where(t => t.ClosedHeight.Value >= first && t.State is TaskState.Settled or TaskState.Rejected)
            .ToLookup(t => t.ClosedHeight.Value);
        for (ulong height = first; height <= head; height++)
        {
            if (chain.GetHeader(new Height(height)) is { } header)
            {
                Add(Sample(height, header.TimestampMs, header.TransactionCount, null, closed[height], null));
            }
        }
    }

    public void Record(FinalizedBlock finalized)
    {
        var header = finalized.Committed.Block.Header;
        var closedHere = finalized.Committed.ChangedTasks.Where(t => t.ClosedHeight == header.Height && t.State is TaskState.Settled or TaskState.Rejected);
        Add(Sample(header.Height.Value, header.TimestampMs, header.TransactionCount, MedianMs(finalized.FinalitySeconds), closedHere,
            _market.InProcessWorkers > 0 ? _market.Snapshot() : null));
    }

    /// <summary>The newest <paramref name="limit"/> samples, oldest first.</summary>
    public IReadOnlyList<HistorySampleModel> Latest(int limit)
    {
        lock (_lock)
        {
            return [.. _samples.Skip(Math.Max(0, _samples.Count - limit))];
        }
    }

    private void Add(HistorySampleModel sample)
    {
        lock (_lock)
        {
            if (_samples.Count == Capacity)
            {
                _samples.Dequeue();
            }
            _samples.Enqueue(sample);
        }
    }

    private static HistorySampleModel Sample(ulong height, ulong timestampMs, uint transactions, long? finalityMs, IEnumerable<ComputeTask> closed, MarketModel? market)
    {
        ulong verifiedUnits = 0;
        int settled = 0, rejected = 0;
        foreach (var task in closed)
        {
            if (task.State == TaskState.Settled)
            {
                settled++;
                verifiedUnits += task.Spec.ComputeUnits;
            }
            else
            {
                rejected++;
            }
        }
        return new HistorySampleModel(height, timestampMs, transactions, finalityMs, verifiedUnits, settled, rejected,
            market?.UsefulWorkFraction, market?.UsefulWorkFractionWithDuplicateExecution);
    }

    private static long? MedianMs(IReadOnlyList<double> seconds)
    {
        if (seconds.Count == 0)
        {
            return null;
        }
        var sorted = seconds.Order().ToArray();
        return (long)Math.Round(sorted[sorted.Length / 2] * 1000);
    }
}
