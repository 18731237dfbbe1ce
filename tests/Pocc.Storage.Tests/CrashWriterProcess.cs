using System.Diagnostics;
using System.Globalization;

namespace Pocc.Storage.Tests;

/// <summary>The crash writer running as a child process, with the batch numbers it has acknowledged.</summary>
internal sealed class CrashWriterProcess : IDisposable
{
    private readonly Process _process;

    private CrashWriterProcess(Process process) => _process = process;

    /// <summary>The highest batch whose commit had returned when the writer printed it.</summary>
    public long Acknowledged { get; private set; }

    public static CrashWriterProcess Start(string directory)
    {
        // The writer's build output is copied next to the tests because the test project references it.
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Pocc.Storage.CrashWriter.dll"));
        start.ArgumentList.Add(directory);
        return new CrashWriterProcess(Process.Start(start) ?? throw new InvalidOperationException("cannot start the crash writer"));
    }

    public async Task WaitForBatchAsync(long batchNumber, CancellationToken cancellation)
    {
        while (Acknowledged < batchNumber)
        {
            var line = await _process.StandardOutput.ReadLineAsync(cancellation)
                ?? throw new InvalidOperationException($"the crash writer exited early: {await _process.StandardError.ReadToEndAsync(cancellation)}");
            Acknowledged = long.Parse(line, CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Kills the writer with SIGKILL, wherever it is in its loop, and collects what it acknowledged before dying.</summary>
    public async Task KillAsync(CancellationToken cancellation)
    {
        _process.Kill();
        await _process.WaitForExitAsync(cancellation);
        while (await _process.StandardOutput.ReadLineAsync(cancellation) is { } line)
        {
            // The last line may have been cut by the kill; only whole lines were acknowledged.
            if (long.TryParse(line, CultureInfo.InvariantCulture, out var number) && number == Acknowledged + 1)
            {
                Acknowledged = number;
            }
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            // Wait for the exit so the test's temp directory is not deleted under a process still writing to it.
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
    }
}
