namespace Pocc.Simulation;

/// <summary>
/// The simulation's only clock: it moves when the event queue says so. Block timestamps and the pool's ages read it
/// through <see cref="TimeProvider"/>, so a seed replays to the same bytes.
/// </summary>
public sealed class VirtualClock(DateTimeOffset start) : TimeProvider
{
    /// <summary>Virtual milliseconds since the simulation began.</summary>
    public long NowMs { get; private set; }

    public void AdvanceTo(long ms) => NowMs = Math.Max(NowMs, ms);

    public override DateTimeOffset GetUtcNow() => start.AddMilliseconds(NowMs);

    public override long TimestampFrequency => 1000;

    public override long GetTimestamp() => NowMs;

    // Timers come from the simulation's event queue; nothing here may start a real one.
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        throw new NotSupportedException("the simulation schedules timers on its event queue");
}
