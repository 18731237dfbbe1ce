using System.Text.Json.Nodes;
using Pocc.Cli.Tests.EndToEnd;

namespace Pocc.Cli.Tests.Tasks;

/// <summary><c>pocc bench matmul</c> measures the executor, OpenBLAS and the Freivalds check in one run.</summary>
public sealed class BenchMatmulTests
{
    [Fact]
    public async Task Bench_matmul_prints_one_json_object_per_size_and_dtype()
    {
        var result = await PoccProcess.RunAsync(["bench", "matmul", "--n", "64", "--json", "--repetitions", "1"], TimeSpan.FromSeconds(120), null);

        CliAssert.Succeeded(result);
        var rows = JsonNode.Parse(result.Stdout) as JsonArray ?? throw new Xunit.Sdk.XunitException($"stdout is not a JSON array\n{result}");
        Assert.Equal(["f64", "mod61"], rows.Select(r => r!["dtype"]!.GetValue<string>()));
        foreach (var row in rows.Cast<JsonObject>())
        {
            Assert.Equal(64, row["n"]!.GetValue<int>());
            Assert.True(row["gflops"]!.GetValue<double>() > 0, row.ToJsonString());
            Assert.True(row["compute_ms"]!.GetValue<double>() > 0, row.ToJsonString());
            Assert.True(row["verify_ms"]!.GetValue<double>() > 0, row.ToJsonString());
            Assert.True(row["verify_to_compute"]!.GetValue<double>() > 0, row.ToJsonString());
            Assert.True(row["verify_accepted"]!.GetValue<bool>(), row.ToJsonString());
            // Null without OpenBLAS, but always present.
            Assert.True(row.ContainsKey("openblas_gflops") && row.ContainsKey("ratio_to_openblas"), row.ToJsonString());
        }
    }

    [Theory]
    [InlineData("--n", "0")]
    [InlineData("--n", "64,x")]
    [InlineData("--dtype", "f32")]
    public async Task Bench_matmul_refuses_bad_sizes_and_dtypes(string option, string value)
    {
        CliAssert.FailedCleanly(await PoccProcess.RunAsync("bench", "matmul", option, value));
    }
}
