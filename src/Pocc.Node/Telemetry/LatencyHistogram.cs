namespace Pocc.Node.Telemetry;

/// <summary>
/// Latencies in 1 ms buckets up to a ceiling (the last bucket holds everything above): exact percentiles at
/// millisecond resolution in constant memory, however long the node runs. Thread-safe.
/// </summary>
public sealed class LatencyHistogram
{
    private readonly long[] _buckets;
    private readonly Lock _lock = new();
    private long _count;

    public LatencyHistogram(int ceilingMs = 120_000) => _buckets = new long[ceilingMs + 1];

    public long Count { get { lock (_lock) { return _count; } } }

    public void Record(double seconds)
    {
        int bucket = (int)Math.Clamp(Math.Round(seconds * 1000), 0, _buckets.Length - 1);
        lock (_lock)
        {
            _buckets[bucket]++;
            _count++;
        }
    }

    public void RecordAll(IReadOnlyList<double> seconds)
    {
        lock (_lock)
        {
            foreach (double s in seconds)
            {
                _buckets[(int)Math.Clamp(Math.Round(s * 1000), 0, _buckets.Length - 1)]++;
            }
            _count += seconds.Count;
        }
    }

    /// <summary>The smallest latency in ms that at least <paramref name="quantile"/> of the samples do not exceed; null with no samples.</summary>
    public long? PercentileMs(double quantile)
    {
        lock (_lock)
        {
            if (_count == 0)
            {
                return null;
            }
            long rank = Math.Max(1, (long)Math.Ceiling(quantile * _count));
            long seen = 0;
            for (int i = 0; i < _buckets.Length; i++)
            {
                seen += _buckets[i];
                if (seen >= rank)
                {
                    return i;
                }
            }
            return _buckets.Length - 1;
        }
    }
}
