namespace Pocc.Network.Peers;

/// <summary>
/// A token bucket on a <see cref="TimeProvider"/>: holds up to a burst, refills at a steady rate.
/// Not thread-safe: each bucket belongs to one connection's receive loop.
/// </summary>
internal sealed class TokenBucket(double ratePerSecond, double capacity, TimeProvider time)
{
    private readonly double _capacity = capacity;
    private double _tokens = capacity;
    private long _lastRefill = time.GetTimestamp();

    public bool TryTake(double amount)
    {
        long now = time.GetTimestamp();
        _tokens = Math.Min(_capacity, _tokens + time.GetElapsedTime(_lastRefill, now).TotalSeconds * ratePerSecond);
        _lastRefill = now;
        if (_tokens < amount)
        {
            return false;
        }
        _tokens -= amount;
        return true;
    }
}
