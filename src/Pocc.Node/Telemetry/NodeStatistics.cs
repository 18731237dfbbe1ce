using Pocc.Consensus.Engine;

namespace Pocc.Node.Telemetry;

/// <summary>Running figures about finalized blocks: totals, throughput over a recent window, finality percentiles.</summary>
public sealed class NodeStatistics
{
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Queue<(long Timestamp, int Transactions)> _window = new();
    private static readonly TimeSpan WindowLength = TimeSpan.FromSeconds(5);
    private readonly long _startedAt;

    public NodeStatistics(TimeProvider time)
    {
        _time = time;
        _startedAt = time.GetTimestamp();
    }

    public LatencyHistogram Finality { get; } = new();

    public long BlocksFinalized { get; private set; }

    public long TransactionsFinalized { get; private set; }

    public long TransactionsRejectedAtProposal { get; private set; }

    public TimeSpan Uptime => _time.GetElapsedTime(_startedAt);

    public void Record(FinalizedBlock block)
    {
        Finality.RecordAll(block.FinalitySeconds);
        lock (_lock)
        {
            BlocksFinalized++;
            TransactionsFinalized += block.Committed.Block.Transactions.Count;
            TransactionsRejectedAtProposal += block.Rejected;
            long now = _time.GetTimestamp();
            _window.Enqueue((now, block.Committed.Block.Transactions.Count));
            while (_window.Count > 0 && _time.GetElapsedTime(_window.Peek().Timestamp, now) > WindowLength)
            {
                _window.Dequeue();
            }
        }
    }

    /// <summary>Finalized transactions per second over the last few seconds.</summary>
    public double RecentTransactionsPerSecond
    {
        get
        {
            lock (_lock)
            {
                long now = _time.GetTimestamp();
                while (_window.Count > 0 && _time.GetElapsedTime(_window.Peek().Timestamp, now) > WindowLength)
                {
                    _window.Dequeue();
                }
                if (_window.Count == 0)
                {
                    return 0;
                }
                long total = 0;
                foreach (var (_, count) in _window)
                {
                    total += count;
                }
                double seconds = Math.Min(WindowLength.TotalSeconds, Math.Max(0.001, Uptime.TotalSeconds));
                return total / seconds;
            }
        }
    }
}
