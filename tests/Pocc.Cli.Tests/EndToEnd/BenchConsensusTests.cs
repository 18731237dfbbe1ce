namespace Pocc.Cli.Tests.EndToEnd;

/// <summary><c>pocc bench consensus</c> runs a BFT cluster over loopback TCP and a lone validator under one load, in one run.</summary>
public sealed class BenchConsensusTests
{
    private static readonly string[] ShortRun = ["bench", "consensus", "--validators", "2", "--rate", "200", "--duration", "2", "--warmup", "1", "--accounts", "50"];

    [Fact]
    public async Task Bench_consensus_prints_finality_and_throughput_of_the_cluster_and_the_baseline_as_json()
    {
        var result = await PoccProcess.RunAsync([.. ShortRun, "--json"], TimeSpan.FromSeconds(120));

        var figures = CliAssert.Json(result);
        string text = figures.ToJsonString();
        Assert.Equal(2, figures["validators"]!.GetValue<int>());
        Assert.Equal(200, figures["offered_rate"]!.GetValue<int>());
        Assert.Equal(2, figures["duration_s"]!.GetValue<double>());
        Assert.Equal(600, figures["submitted"]!.GetValue<long>());
        Assert.NotNull(figures["refused"]);
        // A pool holds a second of load, far above what this cluster lags by at 200 tx/s.
        Assert.Equal(0, figures["refused_full"]!.GetValue<long>());
        Assert.True(figures["cpu_cores_used"]!.GetValue<double>() > 0, figures.ToJsonString());
        Assert.True(!OperatingSystem.IsLinux() || figures["load_average"]!.GetValue<double>() >= 0, figures.ToJsonString());
        Assert.Equal(0, figures["unfinalized"]!.GetValue<long>());
        Assert.True(figures["committed"]!.GetValue<long>() > 0, text);
        Assert.True(figures["blocks"]!.GetValue<int>() > 0, text);
        Assert.NotNull(figures["rounds_above_zero"]);
        double p50 = figures["finality_ms_p50"]!.GetValue<double>();
        double p90 = figures["finality_ms_p90"]!.GetValue<double>();
        double p99 = figures["finality_ms_p99"]!.GetValue<double>();
        Assert.True(p50 > 0 && p50 <= p90 && p90 <= p99, text);
        double rate = figures["tx_per_second"]!.GetValue<double>();
        double baseline = figures["baseline_tx_per_second"]!.GetValue<double>();
        Assert.True(rate > 0 && baseline > 0, text);
        Assert.True(figures["baseline_finality_ms_p50"]!.GetValue<double>() > 0, text);
        Assert.Equal(Math.Round(rate / baseline, 3), figures["ratio"]!.GetValue<double>(), 3);
    }

    [Fact]
    public async Task Bench_consensus_prints_readable_lines_without_json()
    {
        var result = await PoccProcess.RunAsync(ShortRun, TimeSpan.FromSeconds(120));

        CliAssert.Succeeded(result);
        Assert.Contains("2 validators, 200 tx/s offered", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("1 validator, same load", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("finality p50", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bench_consensus_find_rate_reports_the_figures_at_one_of_the_rates_it_probed()
    {
        var result = await PoccProcess.RunAsync(["bench", "consensus", "--json", "--find-rate", "--validators", "2", "--rate", "300", "--duration", "1", "--warmup", "0", "--accounts", "50"], TimeSpan.FromSeconds(180));

        var figures = CliAssert.Json(result);
        var probed = figures["rates_probed"]!.AsArray().Select(rate => rate!.GetValue<int>()).ToList();
        int offered = figures["offered_rate"]!.GetValue<int>();
        Assert.NotEmpty(probed);
        Assert.Equal(150, probed[0]);
        Assert.Contains(offered, probed);
        Assert.True(figures["tx_per_second"]!.GetValue<double>() > 0, figures.ToJsonString());
        Assert.True(figures["baseline_tx_per_second"]!.GetValue<double>() > 0, figures.ToJsonString());
    }

    [Theory]
    [InlineData("--validators", "0")]
    [InlineData("--validators", "17")]
    [InlineData("--rate", "0")]
    [InlineData("--duration", "0")]
    [InlineData("--warmup", "-1")]
    [InlineData("--accounts", "1")]
    public async Task Bench_consensus_refuses_bad_options(string option, string value)
    {
        var result = await PoccProcess.RunAsync("bench", "consensus", option, value);

        CliAssert.FailedCleanly(result);
        Assert.Contains(option, result.Stderr, StringComparison.Ordinal);
    }
}
