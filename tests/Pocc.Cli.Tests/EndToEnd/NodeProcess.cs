using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Pocc.Cli.Tests.EndToEnd;

/// <summary>
/// <c>pocc node run</c> running in the background on a loopback port, with an HTTP client for its API.
/// Disposing it kills the process if it is still running, so no test leaves a node behind.
/// </summary>
internal sealed class NodeProcess : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(45);

    private readonly BackgroundPocc _process;
    private bool _stopRequested;

    private NodeProcess(BackgroundPocc process, string url)
    {
        _process = process;
        Url = url;
        Http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(10) };
    }

    public string Url { get; }

    public HttpClient Http { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Set just before the test stops or kills the node, so requests failing from then on are expected, not errors.</summary>
    public bool StopRequested => Volatile.Read(ref _stopRequested);

    public string Stdout => _process.Stdout;

    public string Stderr => _process.Stderr;

    /// <summary>Starts <c>pocc node run --home home --api-url url extra...</c> and waits until GET /v1/status answers.</summary>
    public static Task<NodeProcess> StartAsync(string home, string? url = null, params string[] extraArgs)
    {
        url ??= FreePort.NextUrl();
        return StartAsync(["node", "run", "--home", home, "--api-url", url, .. extraArgs], url, null);
    }

    /// <summary>Starts <c>pocc args...</c>, expected to serve the node API at <paramref name="url"/>, and waits until it answers.</summary>
    public static async Task<NodeProcess> StartAsync(IEnumerable<string> args, string url, IReadOnlyDictionary<string, string>? environment)
    {
        var node = new NodeProcess(BackgroundPocc.Start(args, environment, "node"), url);
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

    /// <summary>Sends SIGTERM and waits for the exit; returns the exit code.</summary>
    public Task<int> TerminateAsync(TimeSpan timeout)
    {
        Volatile.Write(ref _stopRequested, true);
        return _process.TerminateAsync(timeout);
    }

    /// <summary>SIGKILL, wherever the node is: no shutdown code runs.</summary>
    /// <summary>Waits until the process has printed <paramref name="text"/>.</summary>
    public Task WaitForOutputAsync(string text, TimeSpan timeout) => _process.WaitForOutputAsync(text, timeout);

    public Task KillAsync()
    {
        Volatile.Write(ref _stopRequested, true);
        return _process.KillAsync();
    }

    public string Output => _process.Output;

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        Http.Dispose();
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
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
}
