namespace Pocc.Cli.Tests.EndToEnd;

/// <summary><c>pocc sim</c> runs the deterministic simulator over seeds and replays one.</summary>
public sealed class SimTests
{
    [Fact]
    public async Task Sim_prints_seeds_heights_rounds_and_no_violations_as_json()
    {
        var result = await PoccProcess.RunAsync(["sim", "--seeds", "8", "--validators", "4-5", "--byzantine", "max", "--heights", "2", "--json"], TimeSpan.FromSeconds(120));

        var summary = CliAssert.Json(result);
        Assert.Equal(8, summary["seeds"]!.GetValue<int>());
        Assert.Empty(summary["violations"]!.AsArray());
        Assert.True(summary["min_height"]!.GetValue<ulong>() >= 2, result.Stdout);
        Assert.NotNull(summary["max_round"]);
        Assert.Equal("4-5", summary["validators"]!.GetValue<string>());
    }

    [Fact]
    public async Task Sim_replays_one_seed_to_the_same_trace()
    {
        string[] args = ["sim", "--seed", "5", "--validators", "4", "--byzantine", "1", "--heights", "2", "--json"];

        var first = CliAssert.Json(await PoccProcess.RunAsync(args, TimeSpan.FromSeconds(60)));
        var second = CliAssert.Json(await PoccProcess.RunAsync(args, TimeSpan.FromSeconds(60)));

        Assert.Equal(5, first["seed"]!.GetValue<int>());
        Assert.Equal(first["trace_hash"]!.GetValue<string>(), second["trace_hash"]!.GetValue<string>());
        Assert.NotEmpty(first["trace"]!.AsArray());
    }

    [Theory]
    [InlineData("--validators", "7-4")]
    [InlineData("--validators", "four")]
    [InlineData("--validators", "0")]
    [InlineData("--byzantine", "some")]
    [InlineData("--byzantine", "9")]
    [InlineData("--seeds", "0")]
    [InlineData("--heights", "0")]
    public async Task Sim_refuses_bad_options(string option, string value)
    {
        var result = await PoccProcess.RunAsync("sim", option, value);

        CliAssert.FailedCleanly(result);
    }
}
