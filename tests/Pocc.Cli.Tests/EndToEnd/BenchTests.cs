namespace Pocc.Cli.Tests.EndToEnd;

/// <summary><c>pocc bench ledger</c> measures the ledger and its Ed25519 baseline in one run.</summary>
public sealed class BenchTests
{
    [Fact]
    public async Task Bench_ledger_prints_throughput_and_the_ed25519_baseline_as_json()
    {
        var result = await PoccProcess.RunAsync(["bench", "ledger", "--json", "--transactions", "5000", "--accounts", "100"], TimeSpan.FromSeconds(90));

        var figures = CliAssert.Json(result);
        Assert.Equal(5000, figures["transactions"]!.GetValue<int>());
        Assert.True(figures["tx_per_second"]!.GetValue<double>() > 0, result.Stdout);
        Assert.True(figures["ed25519_verify_per_second"]!.GetValue<double>() > 0, result.Stdout);
    }

    [Fact]
    public async Task Bench_ledger_refuses_too_few_transactions()
    {
        var result = await PoccProcess.RunAsync("bench", "ledger", "--transactions", "10");

        CliAssert.FailedCleanly(result);
    }
}
