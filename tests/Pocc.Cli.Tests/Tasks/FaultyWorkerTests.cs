using Pocc.Cli.Commands;
using Pocc.Cli.Tests.EndToEnd;

namespace Pocc.Cli.Tests.Tasks;

/// <summary>
/// A worker that corrupts one entry of every result (<c>--faulty-rate 1</c>): the validator's Freivalds check rejects
/// the result, the worker is slashed, the requester gets the fee back, and <c>pocc task verify</c> agrees.
/// </summary>
public sealed class FaultyWorkerTests(FaultyMarketFixture market) : IClassFixture<FaultyMarketFixture>
{
    [Theory]
    [InlineData("mod61")]
    [InlineData("f64")]
    public async Task Corrupted_result_is_rejected_the_worker_slashed_and_the_fee_refunded(string dtype)
    {
        var before = await market.WorkerInfoAsync();
        ulong stakeBefore = ulong.Parse(before["stake"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        ulong balanceBefore = await market.BalanceAsync(market.RequesterAddress);

        var submit = await market.SubmitAndWaitAsync("--n", "48", "--dtype", dtype, "--fee", "7000", "--tx-fee", "10");

        Assert.True(submit.ExitCode == TaskCommand.NotSettledExitCode, $"expected exit code {TaskCommand.NotSettledExitCode}\n{submit}\n{market.Logs}");
        string id = TaskMarketFixture.PostedTaskId(submit);
        Assert.Contains($"task {id}: rejected at height", submit.Stdout, StringComparison.Ordinal);
        Assert.Contains("outcome wrong_result", submit.Stdout, StringComparison.Ordinal);
        await market.Worker.WaitForOutputAsync($"task {id}: 48x48x48 {dtype} computed in", TimeSpan.FromSeconds(20));
        Assert.Contains("(corrupted on purpose)", market.Worker.Stdout, StringComparison.Ordinal);

        var after = await market.WorkerInfoAsync();
        ulong stakeAfter = ulong.Parse(after["stake"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(stakeAfter < stakeBefore, $"stake {stakeBefore} -> {stakeAfter}");
        Assert.True(after["tasks_rejected"]!.GetValue<ulong>() == before["tasks_rejected"]!.GetValue<ulong>() + 1, after.ToJsonString());
        Assert.Equal("0", after["earned"]!.GetValue<string>());
        // Only the posting transaction's fee is gone; the escrowed task fee came back.
        Assert.Equal(balanceBefore - 10, await market.BalanceAsync(market.RequesterAddress));

        var verify = await market.PoccAsync("task", "verify", id, "--json");
        var report = CliAssert.Json(verify);
        Assert.False(report["accepted"]!.GetValue<bool>(), report.ToJsonString());
        Assert.True(report["agrees_with_chain"]!.GetValue<bool>(), report.ToJsonString());
        Assert.Equal("rejected", report["chain_state"]!.GetValue<string>());

        var result = await market.PoccAsync("task", "result", id, "--out", Path.Combine(market.Directory, $"rejected-{id}.bin"));
        CliAssert.FailedCleanly(result, TaskCommand.NotSettledExitCode);
    }
}
