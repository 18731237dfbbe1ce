using System.Text.RegularExpressions;

namespace Pocc.Cli.Tests.EndToEnd;

/// <summary>The everyday path: fund at genesis, run a node, transfer, bond and query it through the CLI.</summary>
[Collection(RunningNodeCollection.Name)]
public sealed partial class NodeLifecycleTests
{
    private readonly RunningNodeFixture _node;

    public NodeLifecycleTests(RunningNodeFixture node) => _node = node;

    [Fact]
    public async Task Transfer_and_bond_through_the_cli_are_finalized_and_visible_in_queries()
    {
        var funded = CliAssert.Json(await PoccProcess.RunAsync("query", "account", _node.SecondAddress, "--node", _node.Url));
        Assert.Equal(RunningNodeFixture.SecondKeyGenesisBalance.ToString(), funded["balance"]!.GetValue<string>());

        var transfer = await PoccProcess.RunAsync("tx", "transfer", "--key", _node.ValidatorKeyFile, "--to", _node.SecondAddress,
            "--amount", "5", "--wait", "--node", _node.Url);

        CliAssert.Succeeded(transfer);
        Assert.Contains("finalized at height", transfer.Stdout, StringComparison.Ordinal);
        var hash = SubmittedHash().Match(transfer.Stdout) is { Success: true } m ? m.Groups[1].Value : throw new Xunit.Sdk.XunitException($"no tx hash\n{transfer}");
        var after = CliAssert.Json(await PoccProcess.RunAsync("query", "account", _node.SecondAddress, "--node", _node.Url));
        Assert.Equal((RunningNodeFixture.SecondKeyGenesisBalance + 5).ToString(), after["balance"]!.GetValue<string>());

        var tx = CliAssert.Json(await PoccProcess.RunAsync("query", "tx", hash, "--node", _node.Url));
        Assert.Equal("finalized", tx["status"]!.GetValue<string>());
        Assert.Equal(hash, tx["hash"]!.GetValue<string>());
        var latest = CliAssert.Json(await PoccProcess.RunAsync("query", "block", "latest", "--node", _node.Url));
        Assert.True(latest["header"]!["height"]!.GetValue<ulong>() >= tx["height"]!.GetValue<ulong>());
        Assert.Matches("^[0-9a-f]{64}$", latest["hash"]!.GetValue<string>());

        var bondedBefore = ulong.Parse(CliAssert.Json(await PoccProcess.RunAsync("query", "account", _node.ValidatorAddress, "--node", _node.Url))["bonded"]!.GetValue<string>());
        var bond = await PoccProcess.RunAsync("tx", "bond", "--key", _node.ValidatorKeyFile, "--amount", "10", "--wait", "--node", _node.Url);
        CliAssert.Succeeded(bond);
        Assert.Contains("finalized at height", bond.Stdout, StringComparison.Ordinal);
        var bondedAfter = ulong.Parse(CliAssert.Json(await PoccProcess.RunAsync("query", "account", _node.ValidatorAddress, "--node", _node.Url))["bonded"]!.GetValue<string>());
        Assert.Equal(bondedBefore + 10, bondedAfter);
    }

    [Fact]
    public async Task Query_status_reports_the_running_chain()
    {
        var status = CliAssert.Json(await PoccProcess.RunAsync("query", "status", "--node", _node.Url));

        Assert.Equal("pocc-local", status["chain_id"]!.GetValue<string>());
        Assert.True(status["supply_conserved"]!.GetValue<bool>());
        Assert.Equal(_node.ValidatorAddress, status["validator"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_node_url_can_come_from_the_POCC_NODE_environment_variable()
    {
        var status = await PoccProcess.RunAsync(["query", "status"], null, new Dictionary<string, string> { ["POCC_NODE"] = _node.Url });

        Assert.Equal("pocc-local", CliAssert.Json(status)["chain_id"]!.GetValue<string>());
    }

    [GeneratedRegex(@"submitted ([0-9a-f]{64})")]
    private static partial Regex SubmittedHash();
}
