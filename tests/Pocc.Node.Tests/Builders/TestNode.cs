using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Pocc.Core.Addressing;
using Pocc.Ledger.Chain;
using Pocc.Ledger.Genesis;
using Pocc.Ledger.Transactions;
using Pocc.Node.Hosting;

namespace Pocc.Node.Tests.Builders;

/// <summary>
/// A real node in a temporary home, serving its HTTP API on Kestrel at an ephemeral loopback port.
/// Genesis funds <see cref="TestKeys.FundedCount"/> labelled accounts; the "validator" key is the only validator.
/// Waits are driven by the chain's <see cref="Blockchain.BlockCommitted"/> event with a timeout, never by sleeping.
/// </summary>
public sealed class TestNode : IAsyncDisposable
{
    public const string ChainId = "pocc-e2e";
    public const ulong FundedBalance = 1_000_000_000;

    /// <summary>How long any wait for a block or a transaction may take before the test fails.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private static readonly Dictionary<string, string?> DefaultSettings = new()
    {
        ["Node:ApiUrl"] = "http://127.0.0.1:0",
        ["Node:BlockIntervalMs"] = "50",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    private WebApplication? _app;
    private HttpClient? _http;

    private TestNode(string path) => Home = new NodeHome(path);

    public NodeHome Home { get; }

    public HttpClient Http => _http ?? throw new InvalidOperationException("the node is stopped");

    public Blockchain Chain => Services.GetRequiredService<Blockchain>();

    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("the node is stopped");

    /// <summary>Initializes a fresh home and starts a node on it.</summary>
    public static async Task<TestNode> StartAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var node = new TestNode(Path.Combine(Path.GetTempPath(), "pocc-node-" + Guid.NewGuid().ToString("N")));
        try
        {
            var accounts = Enumerable.Range(0, TestKeys.FundedCount)
                .Select(i => new GenesisAccount(TestKeys.Funded(i).Address.ToString(), FundedBalance))
                .ToList();
            node.Home.Initialize(ChainId, TestKeys.Validator, accounts);
            await node.StartAppAsync(settings);
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
        return node;
    }

    /// <summary>Builds and starts the app on the existing home; <paramref name="settings"/> override the test defaults.</summary>
    public async Task StartAppAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        if (_app is not null)
        {
            throw new InvalidOperationException("the node is already running");
        }
        var merged = new Dictionary<string, string?>(DefaultSettings);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            merged[key] = value;
        }
        var app = NodeHost.Build(Home, merged, handleSignals: false);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        _app = app;
        _http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Stops and disposes the app (closing the database); the home stays for a restart.</summary>
    public async Task StopAsync()
    {
        _http?.Dispose();
        _http = null;
        if (_app is { } app)
        {
            _app = null;
            try
            {
                await app.StopAsync();
            }
            finally
            {
                await app.DisposeAsync();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            if (Directory.Exists(Home.Path))
            {
                Directory.Delete(Home.Path, recursive: true);
            }
        }
    }

    /// <summary>Completes when the next block commits (subscribe before checking a condition, then await).</summary>
    public Task<CommittedBlock> NextBlockAsync()
    {
        var chain = Chain;
        var next = new TaskCompletionSource<CommittedBlock>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnCommitted(CommittedBlock block)
        {
            chain.BlockCommitted -= OnCommitted;
            next.TrySetResult(block);
        }
        chain.BlockCommitted += OnCommitted;
        return next.Task;
    }

    /// <summary>Waits until the chain is at least at <paramref name="height"/>.</summary>
    public async Task WaitForHeightAsync(ulong height)
    {
        while (true)
        {
            var next = NextBlockAsync();
            if (Chain.Height.Value >= height)
            {
                return;
            }
            await next.WaitAsync(Timeout);
        }
    }

    /// <summary>Polls GET /v1/transactions/{hash} once per block until it reports "finalized"; returns that answer.</summary>
    public async Task<JsonElement> WaitForFinalizedAsync(string hash)
    {
        while (true)
        {
            var next = NextBlockAsync();
            using var response = await Http.GetAsync($"/v1/transactions/{hash}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var lookup = await response.ReadJsonAsync();
                if (lookup.Str("status") == "finalized")
                {
                    return lookup;
                }
            }
            await next.WaitAsync(Timeout);
        }
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        await ApiAssert.StatusAsync(response, HttpStatusCode.OK);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return await response.ReadJsonAsync();
    }

    public Task<HttpResponseMessage> PostBytesAsync(string path, byte[] body, string? contentType = "application/octet-stream")
    {
        var content = new ByteArrayContent(body);
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        return PostAsync(path, content);
    }

    public Task<HttpResponseMessage> PostJsonAsync(string path, string json) =>
        PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    public Task<HttpResponseMessage> SubmitAsync(SignedTransaction tx) => PostBytesAsync("/v1/transactions", tx.Bytes());

    /// <summary>Submits <paramref name="tx"/> as canonical bytes, expects 202, and waits until it is finalized.</summary>
    public async Task<JsonElement> SubmitAndFinalizeAsync(SignedTransaction tx)
    {
        using (var response = await SubmitAsync(tx))
        {
            await ApiAssert.StatusAsync(response, HttpStatusCode.Accepted);
        }
        return await WaitForFinalizedAsync(tx.Hash.ToString());
    }

    public async Task<AccountSnapshot> AccountAsync(Address address)
    {
        var account = await GetJsonAsync($"/v1/accounts/{address}");
        return new AccountSnapshot(ulong.Parse(account.Str("balance"), System.Globalization.CultureInfo.InvariantCulture), account.U64("nonce"));
    }

    public async Task<int> MempoolSizeAsync() => (await GetJsonAsync("/v1/status")).I32("mempool_size");

    private async Task<HttpResponseMessage> PostAsync(string path, HttpContent content)
    {
        using (content)
        {
            return await Http.PostAsync(path, content);
        }
    }
}

/// <summary>What a refused request must leave unchanged about its sender.</summary>
public readonly record struct AccountSnapshot(ulong Balance, ulong Nonce);
