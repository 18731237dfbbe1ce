using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Pocc.Cli.Tests.EndToEnd;

namespace Pocc.Cli.Tests.Tasks;

/// <summary>
/// A one-node compute market for end-to-end tests: a requester key and a worker key funded at genesis, the node
/// (100 ms blocks; it is also the only validator, so it verifies every result) and <c>pocc worker run</c> for the
/// worker key with the arguments a subclass chooses. Each fixture has its own chain, so which worker gets a task is
/// never in doubt.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xUnit disposes the fixture through IAsyncLifetime.DisposeAsync")]
public abstract partial class TaskMarketFixture : IAsyncLifetime
{
    public const ulong Funding = 1_000_000_000;
    public const string WorkerStake = "10000000";
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(120);

    private readonly TempDirectory _dir = new();
    private NodeProcess? _node;
    private BackgroundPocc? _worker;

    public string Home => _dir.Combine("home");

    public string RequesterKey => _dir.Combine("requester.json");

    public string RequesterAddress { get; private set; } = "";

    public string WorkerKey => _dir.Combine("worker.json");

    public string WorkerAddress { get; private set; } = "";

    public string Url { get; private set; } = "";

    public string Directory => _dir.Path;

    internal NodeProcess Node => _node ?? throw new InvalidOperationException("the node is not running");

    internal BackgroundPocc Worker => _worker ?? throw new InvalidOperationException("the worker is not running");

    /// <summary>Arguments of <c>pocc worker run</c> besides --node and --key.</summary>
    protected abstract string[] WorkerArguments { get; }

    public async Task InitializeAsync()
    {
        RequesterAddress = await NewKeyAsync(RequesterKey);
        WorkerAddress = await NewKeyAsync(WorkerKey);
        CliAssert.Succeeded(await PoccProcess.RunAsync("init", "--home", Home, "--fund", $"{RequesterAddress}={Funding}", "--fund", $"{WorkerAddress}={Funding}"));
        _node = await NodeProcess.StartAsync(Home, null, "--block-interval-ms", "100");
        Url = _node.Url;
        _worker = BackgroundPocc.Start(["worker", "run", "--node", Url, "--key", WorkerKey, .. WorkerArguments]);
        // The agent prints this once its registration is on chain.
        await _worker.WaitForOutputAsync($"worker {WorkerAddress}: stake", TimeSpan.FromSeconds(60));
    }

    /// <summary>Runs <c>pocc args... --node URL</c>.</summary>
    internal Task<CommandResult> PoccAsync(params string[] args) => PoccProcess.RunAsync([.. args, "--node", Url], CommandTimeout, null);

    /// <summary>Runs <c>pocc task submit matmul args... --key requester --wait</c>.</summary>
    internal Task<CommandResult> SubmitAndWaitAsync(params string[] args) =>
        PoccAsync(["task", "submit", "matmul", .. args, "--key", RequesterKey, "--wait", "--timeout", "90"]);

    /// <summary><c>pocc task submit stark</c> as the requester, waiting for the outcome.</summary>
    internal Task<CommandResult> SubmitStarkAndWaitAsync(params string[] args) =>
        PoccAsync(["task", "submit", "stark", .. args, "--key", RequesterKey, "--wait", "--timeout", "90"]);

    /// <summary>Uploads a file with <c>pocc blob put</c>; returns its root.</summary>
    internal async Task<string> PutBlobAsync(string file) =>
        CliAssert.Json(await PoccAsync("blob", "put", file, "--json"))["root"]!.GetValue<string>();

    public async Task<JsonObject> WorkerInfoAsync() => await Node.GetAsync($"/v1/workers/{WorkerAddress}");

    public async Task<ulong> BalanceAsync(string address) =>
        ulong.Parse((await Node.AccountAsync(address))["balance"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The id in the "task N posted" line.</summary>
    internal static string PostedTaskId(CommandResult submit)
    {
        var match = PostedLine().Match(submit.Stdout);
        Assert.True(match.Success, $"no 'task N posted' line\n{submit}");
        return match.Groups[1].Value;
    }

    /// <summary>Kills the node with SIGKILL and starts it again from its home on the same URL.</summary>
    internal async Task RestartNodeAsync(Func<Task>? whileDown = null)
    {
        await Node.KillAsync();
        await Node.DisposeAsync();
        _node = null;
        if (whileDown is not null)
        {
            await whileDown();
        }
        _node = await NodeProcess.StartAsync(Home, Url, "--block-interval-ms", "100");
    }

    public async Task DisposeAsync()
    {
        if (_worker is not null)
        {
            await _worker.DisposeAsync();
        }
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }
        _dir.Dispose();
    }

    /// <summary>Diagnostics for a failed assertion: what the node and the worker printed.</summary>
    internal string Logs => $"{_node?.Output}\n{_worker?.Output}";

    private static async Task<string> NewKeyAsync(string path)
    {
        var result = await PoccProcess.RunAsync("keys", "new", "--out", path);
        CliAssert.Succeeded(result);
        return CliAssert.Field(result, "address");
    }

    [GeneratedRegex(@"^task (\d+) posted", RegexOptions.Multiline)]
    private static partial Regex PostedLine();
}

/// <summary>A market whose only worker is honest.</summary>
public sealed class HonestMarketFixture : TaskMarketFixture
{
    protected override string[] WorkerArguments => ["--stake", WorkerStake];
}

/// <summary>A market whose only worker corrupts every result it commits (and has stake enough to be slashed twice and still be assigned work).</summary>
public sealed class FaultyMarketFixture : TaskMarketFixture
{
    protected override string[] WorkerArguments => ["--stake", WorkerStake, "--faulty-rate", "1", "--seed", "7"];
}

[CollectionDefinition(Name)]
public sealed class HonestMarketCollection : ICollectionFixture<HonestMarketFixture>
{
    public const string Name = "honest compute market";
}
