using System.Diagnostics;
using System.Globalization;

namespace Pocc.Consensus.Tests.Wal;

/// <summary>The crash signer running as a child process, with the lines it printed.</summary>
internal sealed class CrashSignerProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];

    private CrashSignerProcess(Process process) => _process = process;

    /// <summary>Lines printed so far; after a kill the last one may be cut short.</summary>
    public IReadOnlyList<string> Lines => _lines;

    /// <summary>Starts the child in <paramref name="mode"/> ("signer" or "validator") on <paramref name="path"/>.</summary>
    public static CrashSignerProcess Start(string mode, string path, int seed)
    {
        // The signer's build output is copied next to the tests because the test project references it.
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Pocc.Consensus.CrashSigner.dll"));
        start.ArgumentList.Add(mode);
        start.ArgumentList.Add(path);
        start.ArgumentList.Add(seed.ToString(CultureInfo.InvariantCulture));
        return new CrashSignerProcess(Process.Start(start) ?? throw new InvalidOperationException("cannot start the crash signer"));
    }

    /// <summary>Waits until the child has printed "ready" and then <paramref name="count"/> more lines.</summary>
    public async Task WaitForReadyAndLinesAsync(int count, CancellationToken cancellation)
    {
        while (_lines.IndexOf("ready") is var ready && (ready < 0 || _lines.Count - ready - 1 < count))
        {
            _lines.Add(await _process.StandardOutput.ReadLineAsync(cancellation)
                ?? throw new InvalidOperationException($"the crash signer exited early: {await _process.StandardError.ReadToEndAsync(cancellation)}"));
        }
    }

    /// <summary>Kills the signer with SIGKILL, wherever it is, and collects what it printed before dying.</summary>
    public async Task KillAsync(CancellationToken cancellation)
    {
        _process.Kill();
        await _process.WaitForExitAsync(cancellation);
        // The last line may have been cut by the kill; the test ignores a line it cannot parse.
        while (await _process.StandardOutput.ReadLineAsync(cancellation) is { } line)
        {
            _lines.Add(line);
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
