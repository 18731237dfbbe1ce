using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Pocc.Cli.Tests.EndToEnd;

/// <summary>
/// <c>pocc node run</c> running in the background on a loopback port, with an HTTP client for its API.
/// Disposing it kills the process if it is still running, so no test leaves a node behind.
/// </summary>
internal sealed class NodeProcess : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(45);

    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private bool _stopRequested;

    private NodeProcess(Process process, string url)
    {
        _process = process;
        Url = url;
        Http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(10) };
        _process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Url { get; }

    public HttpClient Http { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Set just before the test stops or kills the node, so requests failing from then on are expected, not errors.</summary>
    public bool StopRequested => Volatile.Read(ref _stopRequested);

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

    /// <summary>Starts <c>pocc node run --home home --api-url url extra...</c> and waits until GET /v1/status answers.</summary>
    public static Task<NodeProcess> StartAsync(string home, string? url = null, params string[] extraArgs)
    {
        url ??= FreePort.NextUrl();
        return StartAsync(["node", "run", "--home", home, "--api-url", url, .. extraArgs], url, null);
    }

    /// <summary>Starts <c>pocc args...</c>, expected to serve the node API at <paramref name="url"/>, and waits until it answers.</summary>
    public static async Task<NodeProcess> StartAsync(IEnumerable<string> args, string url, IReadOnlyDictionary<string, string>? environment)
    {
        var process = Process.Start(PoccProcess.StartInfo(args, environment)) ?? throw new InvalidOperationException("cannot start pocc");
        var node = new NodeProcess(process, url);
        try
        {
            await node.WaitUntilReadyAsync(StartTimeout);
            return node;
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    public async Task<JsonObject> GetAsync(string path)
    {
        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"GET {path} answered {(int)response.StatusCode}: {text}", null, response.StatusCode);
        }
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>GET a path, returning the status code and the JSON body whatever the status.</summary>
    public async Task<(HttpStatusCode Status, JsonObject? Body)> TryGetAsync(string path)
    {
        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text) as JsonObject);
    }

    public async Task<JsonObject> PostJsonAsync(string path, object body)
    {
        using var response = await Http.PostAsJsonAsync(new Uri(path, UriKind.Relative), body);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"POST {path} answered {(int)response.StatusCode}: {text}", null, response.StatusCode);
        }
        return JsonNode.Parse(text)!.AsObject();
    }

    public Task<JsonObject> StatusAsync() => GetAsync("/v1/status");

    public async Task<ulong> HeightAsync() => (await StatusAsync())["height"]!.GetValue<ulong>();

    public async Task<JsonObject> AccountAsync(string address) => await GetAsync($"/v1/accounts/{address}");

    /// <summary>Polls the status until the finalized height reaches <paramref name="height"/>.</summary>
    public async Task<ulong> WaitForHeightAsync(ulong height, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var current = await HeightAsync();
            if (current >= height)
            {
                return current;
            }
            if (deadline.Elapsed > (timeout ?? TimeSpan.FromSeconds(30)))
            {
                throw new TimeoutException($"the node stayed at height {current}, below {height}\n{Output}");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>Sends SIGTERM (Process has no portable way to) and waits for the exit; returns the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        Volatile.Write(ref _stopRequested, true);
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
            throw new TimeoutException($"the node did not exit within {timeout.TotalSeconds} s of SIGTERM\n{Output}");
        }
        _process.WaitForExit(); // drains the redirected output
        return _process.ExitCode;
    }

    /// <summary>SIGKILL, wherever the node is: no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        Volatile.Write(ref _stopRequested, true);
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public string Output => $"--- node stdout ---\n{Stdout}\n--- node stderr ---\n{Stderr}";

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
        Http.Dispose();
        _process.Dispose();
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                _process.WaitForExit();
                throw new InvalidOperationException($"pocc node run exited with code {_process.ExitCode} before answering\n{Output}");
            }
            try
            {
                using var response = await Http.GetAsync(new Uri("/v1/status", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Listening but too busy to answer yet.
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"pocc node run did not answer GET /v1/status within {timeout.TotalSeconds} s\n{Output}");
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
