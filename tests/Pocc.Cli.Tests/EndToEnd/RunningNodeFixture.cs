namespace Pocc.Cli.Tests.EndToEnd;

/// <summary>
/// One node for the tests that only need a chain to talk to: a home made by <c>pocc init</c> that funds a second key
/// made by <c>pocc keys new</c>, and <c>pocc node run</c> on a free loopback port.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xUnit disposes the fixture through IAsyncLifetime.DisposeAsync")]
public sealed class RunningNodeFixture : IAsyncLifetime
{
    public const ulong SecondKeyGenesisBalance = 1_000;

    private readonly TempDirectory _dir = new();
    private NodeProcess? _node;

    public string Home => _dir.Combine("home");

    public string ValidatorKeyFile => Path.Combine(Home, "keys", "validator.json");

    public string ValidatorAddress { get; private set; } = "";

    public string SecondKeyFile => _dir.Combine("second.json");

    public string SecondAddress { get; private set; } = "";

    internal NodeProcess Node => _node ?? throw new InvalidOperationException("the node is not running");

    public string Url => Node.Url;

    public string Directory => _dir.Path;

    public async Task InitializeAsync()
    {
        var second = await PoccProcess.RunAsync("keys", "new", "--out", SecondKeyFile);
        CliAssert.Succeeded(second);
        SecondAddress = CliAssert.Field(second, "address");
        var init = await PoccProcess.RunAsync("init", "--home", Home, "--fund", $"{SecondAddress}={SecondKeyGenesisBalance}");
        CliAssert.Succeeded(init);
        ValidatorAddress = CliAssert.Field(init, "validator");
        _node = await NodeProcess.StartAsync(Home, null, "--block-interval-ms", "100");
    }

    public async Task DisposeAsync()
    {
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }
        _dir.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class RunningNodeCollection : ICollectionFixture<RunningNodeFixture>
{
    public const string Name = "running node";
}
