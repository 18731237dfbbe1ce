using Microsoft.Extensions.Logging;

namespace Pocc.Simulation;

/// <summary>Puts a validator's log lines into the run's trace, so a replayed seed shows why each validator did what it did.</summary>
internal sealed class TraceLogger(string name, Action<string> write) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        write($"{name}: {formatter(state, exception)}");
}
