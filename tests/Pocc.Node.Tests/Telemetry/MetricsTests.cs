using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Pocc.Node.Tests.Builders;

namespace Pocc.Node.Tests.Telemetry;

/// <summary>GET /metrics: OpenTelemetry metrics in the Prometheus text format, named by Prometheus conventions.</summary>
public sealed partial class MetricsTests : IClassFixture<NodeFixture>
{
    private readonly NodeFixture _fixture;

    public MetricsTests(NodeFixture fixture) => _fixture = fixture;

    private TestNode Node => _fixture.Node;

    [Fact]
    public async Task Exposes_the_chain_and_market_figures_in_prometheus_text_format()
    {
        var tx = Tx.Transfer(_fixture.TakeFundedAccount(), TestKeys.Stranger("metrics-recipient").Address, 7).Signed();
        var lookup = await Node.SubmitAndFinalizeAsync(tx);

        var (contentType, samples, _) = await ScrapeAsync();

        Assert.StartsWith("text/plain", contentType, StringComparison.Ordinal);
        Assert.True(Value(samples, "pocc_chain_height") >= lookup.U64("height"));
        Assert.True(Value(samples, "pocc_transactions_finalized_total") >= 1);
        Assert.True(Value(samples, "pocc_finality_latency_seconds_count") >= 1);
        Assert.Equal(Value(samples, "pocc_finality_latency_seconds_count"), Value(samples, "pocc_finality_latency_seconds_bucket{le=\"+Inf\"}"));
        Assert.True(samples.ContainsKey("pocc_mempool_transactions"));
        Assert.True(samples.ContainsKey("pocc_mempool_size_bytes"));
        Assert.True(samples.ContainsKey("pocc_peers"));
        Assert.True(samples.ContainsKey("pocc_transactions_rate_per_second"));
        Assert.Equal(0, Value(samples, "pocc_tasks{state=\"settled\"}"));
        Assert.Equal(0, Value(samples, "pocc_worker_slashes_total"));
    }

    [Fact]
    public async Task Every_metric_follows_prometheus_naming_conventions()
    {
        // A histogram is exported once it has a value: finalize a transfer so the finality latency is among them.
        var tx = Tx.Transfer(_fixture.TakeFundedAccount(), TestKeys.Stranger("naming-recipient").Address, 9).Signed();
        await Node.SubmitAndFinalizeAsync(tx);

        var (_, _, types) = await ScrapeAsync();

        Assert.NotEmpty(types);
        foreach (var (name, type) in types)
        {
            Assert.Matches(ValidName(), name);
            Assert.False(name.Contains("__", StringComparison.Ordinal), name);
            if (type == "counter")
            {
                Assert.EndsWith("_total", name, StringComparison.Ordinal);
            }
            if (type == "histogram" && (name.Contains("duration", StringComparison.Ordinal) || name.Contains("latency", StringComparison.Ordinal)))
            {
                Assert.EndsWith("_seconds", name, StringComparison.Ordinal);
            }
        }
        Assert.Equal("histogram", types["pocc_finality_latency_seconds"]);
        Assert.Equal("gauge", types["pocc_chain_height"]);
    }

    [Fact]
    public async Task Each_node_in_a_process_exports_only_its_own_figures_and_keeps_them_when_another_stops()
    {
        await Node.WaitForHeightAsync(2);
        await using (var other = await TestNode.StartAsync(new Dictionary<string, string?> { ["Node:Validator"] = "false" }))
        {
            using var response = await other.Http.GetAsync("/metrics");
            var lines = (await response.Content.ReadAsStringAsync()).Split('\n').Where(l => l.StartsWith("pocc_chain_height", StringComparison.Ordinal)).ToList();

            var line = Assert.Single(lines);
            Assert.EndsWith(" 0", line, StringComparison.Ordinal);
        }

        var (_, samples, _) = await ScrapeAsync();
        Assert.True(Value(samples, "pocc_chain_height") >= 2, "the other node's shutdown must not take this node's instruments with it");
    }

    /// <summary>The scrape as (content type, sample name with labels other than the scope → value, metric name → type).</summary>
    private async Task<(string ContentType, Dictionary<string, double> Samples, Dictionary<string, string> Types)> ScrapeAsync()
    {
        using var response = await Node.Http.GetAsync("/metrics");
        await ApiAssert.StatusAsync(response, HttpStatusCode.OK);
        var text = await response.Content.ReadAsStringAsync();
        var samples = new Dictionary<string, double>();
        var types = new Dictionary<string, string>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                types[parts[2]] = parts[3];
                continue;
            }
            if (line.StartsWith('#'))
            {
                continue;
            }
            int space = line.LastIndexOf(' ');
            var key = ScopeLabel().Replace(line[..space], "").Replace("{}", "", StringComparison.Ordinal);
            samples[key] = double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture);
        }
        return (response.Content.Headers.ContentType?.ToString() ?? "", samples, types);
    }

    private static double Value(Dictionary<string, double> samples, string key) =>
        samples.TryGetValue(key, out var value) ? value : throw new Xunit.Sdk.XunitException($"no sample {key} in the scrape: {string.Join(", ", samples.Keys)}");

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex ValidName();

    [GeneratedRegex("otel_scope_name=\"[^\"]*\",?")]
    private static partial Regex ScopeLabel();
}
