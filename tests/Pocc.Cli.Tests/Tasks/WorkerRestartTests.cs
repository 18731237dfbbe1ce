using Pocc.Cli.Tests.EndToEnd;

namespace Pocc.Cli.Tests.Tasks;

/// <summary>A running worker outlives its node: it backs off while the node is down and serves tasks once it is back.</summary>
public sealed class WorkerRestartTests : IAsyncLifetime
{
    private readonly HonestMarketFixture _market = new();

    public Task InitializeAsync() => _market.InitializeAsync();

    public Task DisposeAsync() => _market.DisposeAsync();

    [Fact]
    public async Task Worker_keeps_serving_after_its_node_is_killed_and_restarted()
    {
        await _market.RestartNodeAsync(whileDown: () => WaitForStderrAsync("cannot reach the node"));
        await _market.Worker.WaitForOutputAsync("answers again", TimeSpan.FromSeconds(30));

        var submit = await _market.SubmitAndWaitAsync("--n", "32", "--dtype", "mod61", "--fee", "1000");

        Assert.True(submit.ExitCode == 0, $"{submit}\n{_market.Logs}");
        Assert.Contains("outcome verified", submit.Stdout, StringComparison.Ordinal);
        Assert.False(_market.Worker.HasExited, _market.Worker.Output);
    }

    private async Task WaitForStderrAsync(string text)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!_market.Worker.Stderr.Contains(text, StringComparison.Ordinal))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the worker never reported '{text}'\n{_market.Worker.Output}");
            await Task.Delay(50);
        }
    }
}
