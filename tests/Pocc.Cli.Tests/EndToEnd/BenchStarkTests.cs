using System.Text.Json.Nodes;

namespace Pocc.Cli.Tests.EndToEnd;

/// <summary><c>pocc bench stark</c> proves, verifies and times the native computation of the same statement in one run.</summary>
public sealed class BenchStarkTests
{
    [Fact]
    public async Task Bench_stark_prints_one_json_row_per_air_and_size_with_the_proof_figures()
    {
        var result = await PoccProcess.RunAsync(["bench", "stark", "--json", "--log-n", "8", "--air", "permutation-chain"], TimeSpan.FromSeconds(120));

        CliAssert.Succeeded(result);
        var rows = JsonNode.Parse(result.Stdout) as JsonArray ?? throw new Xunit.Sdk.XunitException($"stdout is not a JSON array\n{result}");
        var row = Assert.IsType<JsonObject>(Assert.Single(rows));
        Assert.Equal("permutation-chain", row["air"]!.GetValue<string>());
        Assert.Equal(8, row["log_n"]!.GetValue<int>());
        Assert.Equal(255, row["steps"]!.GetValue<int>());
        Assert.Equal(256, row["trace_rows"]!.GetValue<int>());
        Assert.True(row["security_bits"]!.GetValue<int>() >= 96, row.ToJsonString());
        Assert.True(row["proof_bytes"]!.GetValue<int>() > 0, row.ToJsonString());
        Assert.True(row["prove_ms"]!.GetValue<double>() > 0, row.ToJsonString());
        Assert.True(row["prove_cpu_ms"]!.GetValue<double>() >= 0, row.ToJsonString());
        Assert.True(row["verify_ms"]!.GetValue<double>() > 0, row.ToJsonString());
        Assert.True(row["native_ms"]!.GetValue<double>() > 0, row.ToJsonString());
        Assert.True(row["prover_overhead"]!.GetValue<double>() > 0, row.ToJsonString());
        Assert.True(row["verify_vs_native"]!.GetValue<double>() > 0, row.ToJsonString());
    }

    [Fact]
    public async Task Bench_stark_prints_a_readable_line_per_row_without_json()
    {
        var result = await PoccProcess.RunAsync(["bench", "stark", "--log-n", "6", "--air", "matrix-recurrence"], TimeSpan.FromSeconds(120));

        CliAssert.Succeeded(result);
        Assert.Contains("matrix-recurrence", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("prove", result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--log-n", "30")]
    [InlineData("--log-n", "5")]
    [InlineData("--log-n", "8,x")]
    [InlineData("--air", "nope")]
    [InlineData("--security-bits", "64")]
    [InlineData("--security-bits", "128")]
    [InlineData("--repetitions", "0")]
    public async Task Bench_stark_refuses_bad_options(string option, string value)
    {
        // Every option is checked before any proving, so these fail at once even with the default sizes.
        var result = await PoccProcess.RunAsync("bench", "stark", option, value);

        CliAssert.FailedCleanly(result);
        Assert.Contains(option, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bench_stark_refuses_security_the_trace_length_cannot_reach()
    {
        // At 2^20 rows the LDE has 2^23 points, which caps the conjectured security at 127 − 23 = 104 bits.
        var result = await PoccProcess.RunAsync("bench", "stark", "--log-n", "20", "--security-bits", "110");

        CliAssert.FailedCleanly(result);
        Assert.Contains("out of reach", result.Stderr, StringComparison.Ordinal);
    }
}
