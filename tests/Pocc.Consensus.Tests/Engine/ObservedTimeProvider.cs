using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace Pocc.Consensus.Tests.Engine;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that reports every timer created on it. A timer's wake-up time is fixed from
/// "now" when it is created, so a test must not advance the clock while another thread is about to create one:
/// waiting for <see cref="NextTimerAsync"/> tells it the code under test is parked on its timer.
/// </summary>
internal sealed class ObservedTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly Channel<TimeSpan> _timers = Channel.CreateUnbounded<TimeSpan>();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _timers.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>The due time of the next timer created (or already created and not yet reported).</summary>
    public async Task<TimeSpan> NextTimerAsync(TimeSpan patience)
    {
        using var timeout = new CancellationTokenSource(patience);
        return await _timers.Reader.ReadAsync(timeout.Token);
    }

    public bool TimerCreated => _timers.Reader.TryPeek(out _);
}
