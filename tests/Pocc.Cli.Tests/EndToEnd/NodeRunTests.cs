using System.Diagnostics;

namespace Pocc.Cli.Tests.EndToEnd;

/// <summary><c>pocc node run</c>: where its settings come from, and how it stops and resumes.</summary>
public sealed class NodeRunTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Sigterm_stops_the_node_with_exit_code_0_and_a_restart_resumes_the_chain()
    {
        var home = _dir.Combine("home");
        CliAssert.Succeeded(await PoccProcess.RunAsync("init", "--home", home));
        ulong heightBeforeStop;
        string blockHash;
        await using (var node = await NodeProcess.StartAsync(home, null, "--block-interval-ms", "100"))
        {
            heightBeforeStop = await node.WaitForHeightAsync(5);
            blockHash = (await node.GetAsync($"/v1/blocks/{heightBeforeStop}"))["hash"]!.GetValue<string>();

            var clock = Stopwatch.StartNew();
            int exitCode = await node.TerminateAsync(TimeSpan.FromSeconds(15));

            Assert.True(exitCode == 0, $"exit code {exitCode}\n{node.Output}");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15));
            Assert.DoesNotContain("Unhandled exception", node.Stdout + node.Stderr, StringComparison.OrdinalIgnoreCase);
        }

        await using (var restarted = await NodeProcess.StartAsync(home, null, "--block-interval-ms", "100"))
        {
            Assert.True(await restarted.HeightAsync() >= heightBeforeStop);
            Assert.Equal(blockHash, (await restarted.GetAsync($"/v1/blocks/{heightBeforeStop}"))["hash"]!.GetValue<string>());
            await restarted.WaitForHeightAsync(heightBeforeStop + 2);
        }
    }

    [Fact]
    public async Task The_api_url_can_come_from_the_POCC_Node__ApiUrl_environment_variable()
    {
        var home = _dir.Combine("home");
        CliAssert.Succeeded(await PoccProcess.RunAsync("init", "--home", home));
        var url = FreePort.NextUrl();

        await using var node = await NodeProcess.StartAsync(["node", "run", "--home", home], url, new Dictionary<string, string> { ["POCC_Node__ApiUrl"] = url });

        Assert.Equal("pocc-local", (await node.StatusAsync())["chain_id"]!.GetValue<string>());
        await node.WaitForOutputAsync($"\ndashboard: {url}/\n", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task The_block_interval_flag_overrides_the_config_file()
    {
        var home = _dir.Combine("home");
        CliAssert.Succeeded(await PoccProcess.RunAsync("init", "--home", home));

        await using var node = await NodeProcess.StartAsync(home, null, "--block-interval-ms", "120");

        Assert.Equal(120, (await node.StatusAsync())["block_interval_ms"]!.GetValue<double>());
    }

    public void Dispose() => _dir.Dispose();
}
