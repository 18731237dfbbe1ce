using System.Diagnostics;
using System.Globalization;
using System.Text;
namespace Pocc.Cli.Tests.EndToEnd;

/// <summary>
/// A long-running <c>pocc</c> command (a worker, or the process under a <see cref="NodeProcess"/>), with its output
/// captured line by line so a test can wait for what it prints. Disposing it kills the process if it is still running.
/// </summary>
internal sealed class BackgroundPocc : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly string _name;

    private BackgroundPocc(Process process, string name)
    {
        _process = process;
        _name = name;
        _process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static BackgroundPocc Start(params string[] args) => Start(args, null, $"pocc {string.Join(' ', args.Take(2))}");

    public static BackgroundPocc Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment, string name)
    {
        var process = Process.Start(PoccProcess.StartInfo(args, environment)) ?? throw new InvalidOperationException("cannot start pocc");
        return new BackgroundPocc(process, name);
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code once the process has exited, after its redirected output is drained.</summary>
    public int ExitCode
    {
        get
        {
            _process.WaitForExit();
            return _process.ExitCode;
        }
    }

    public string Stdout
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public string Output => $"--- {_name} stdout ---\n{Stdout}\n--- {_name} stderr ---\n{Stderr}";

    /// <summary>Waits until stdout contains <paramref name="text"/>; fails if the process exits or time runs out first.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!Stdout.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited)
            {
                _process.WaitForExit();
                throw new InvalidOperationException($"{_name} exited with code {_process.ExitCode} before printing '{text}'\n{Output}");
            }
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"{_name} did not print '{text}' within {timeout.TotalSeconds} s\n{Output}");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>SIGTERM, then waits for the exit; returns the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
            if (kill.ExitCode != 0)
            {
                throw new InvalidOperationException($"kill -TERM {_process.Id} failed with exit code {kill.ExitCode}");
            }
        }
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{_name} did not exit within {timeout.TotalSeconds} s of SIGTERM\n{Output}");
        }
        return ExitCode;
    }

    /// <summary>SIGKILL, wherever the process is: no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                await KillAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
        _process.Dispose();
    }

    private static void Append(StringBuilder buffer, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (buffer)
        {
            buffer.AppendLine(line);
        }
    }
}
