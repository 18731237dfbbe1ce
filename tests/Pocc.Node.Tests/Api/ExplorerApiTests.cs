using System.Net;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Pocc.Node.Api;
using Pocc.Node.Telemetry;
using Pocc.Node.Tests.Builders;

namespace Pocc.Node.Tests.Api;

/// <summary>GET /v1/blocks (paged headers), /v1/validators, /v1/stats/history, /v1/market and /v1/node, and the dashboard at /.</summary>
public sealed class ExplorerApiTests : IClassFixture<NodeFixture>
{
    private readonly NodeFixture _fixture;

    public ExplorerApiTests(NodeFixture fixture) => _fixture = fixture;

    private TestNode Node => _fixture.Node;

    [Fact]
    public async Task Block_pages_walk_down_from_the_head_to_height_one_without_gaps_or_repeats()
    {
        await Node.WaitForHeightAsync(7);

        var first = await Node.GetJsonAsync("/v1/blocks?limit=3");
        var heights = new List<ulong>();
        var page = first;
        while (true)
        {
            foreach (var block in page.GetProperty("blocks").EnumerateArray())
            {
                heights.Add(block.U64("height"));
            }
            if (page.IsNull("next_before"))
            {
                break;
            }
            page = await Node.GetJsonAsync($"/v1/blocks?limit=3&before={page.U64("next_before")}");
        }

        ulong top = heights[0];
        Assert.True(top >= 7);
        Assert.Equal(Enumerable.Range(1, (int)top).Select(h => (ulong)h).Reverse(), heights);
    }

    [Fact]
    public async Task A_block_summary_matches_the_full_block()
    {
        await Node.WaitForHeightAsync(3);

        var summary = (await Node.GetJsonAsync("/v1/blocks?before=3&limit=1")).GetProperty("blocks")[0];
        var block = await Node.GetJsonAsync("/v1/blocks/2");

        Assert.Equal(2UL, summary.U64("height"));
        Assert.Equal(block.Str("hash"), summary.Str("hash"));
        Assert.Equal(block.GetProperty("header").Str("state_root"), summary.Str("state_root"));
        Assert.Equal(block.GetProperty("header").Str("proposer"), summary.Str("proposer"));
        Assert.Equal(block.GetProperty("commit").GetProperty("signatures").GetArrayLength(), summary.I32("commit_signatures"));
    }

    [Theory]
    [InlineData("/v1/blocks?limit=0")]
    [InlineData("/v1/blocks?limit=201")]
    [InlineData("/v1/stats/history?limit=0")]
    [InlineData("/v1/stats/history?limit=1001")]
    public async Task Out_of_range_page_sizes_are_refused_with_a_stable_code(string path)
    {
        using var response = await Node.Http.GetAsync(path);
        await ApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest, ApiProblems.InvalidQuery);
    }

    [Fact]
    public async Task A_page_below_height_one_is_empty()
    {
        var page = await Node.GetJsonAsync("/v1/blocks?before=1");
        Assert.Equal(0, page.GetProperty("blocks").GetArrayLength());
        Assert.True(page.IsNull("next_before"));
    }

    [Fact]
    public async Task The_sole_validator_proposed_and_signed_every_block_in_the_window()
    {
        await Node.WaitForHeightAsync(3);

        var list = await Node.GetJsonAsync("/v1/validators");
        var validator = Assert.Single(list.GetProperty("validators").EnumerateArray());

        Assert.Equal(TestKeys.Validator.Address.ToString(), validator.Str("address"));
        Assert.Equal(1.0, validator.GetProperty("voting_share").GetDouble());
        Assert.Equal(list.U64("total_voting_power"), validator.U64("voting_power"));
        Assert.Equal(list.U64("to_height") - list.U64("from_height") + 1, validator.U64("proposals"));
        Assert.Equal(0UL, validator.U64("missed_votes"));
    }

    [Fact]
    public async Task History_has_one_sample_per_block_oldest_first_with_the_finality_of_a_submitted_transfer()
    {
        var tx = Tx.Transfer(_fixture.TakeFundedAccount(), TestKeys.Stranger("history-recipient").Address, 5).Signed();
        var lookup = await Node.SubmitAndFinalizeAsync(tx);
        ulong txHeight = lookup.U64("height");

        var samples = (await Node.GetJsonAsync("/v1/stats/history?limit=1000")).GetProperty("samples").EnumerateArray().ToList();
        var heights = samples.Select(s => s.U64("height")).ToList();
        Assert.Equal(heights.Order(), heights);
        Assert.Equal(heights.Count, heights.Distinct().Count());
        Assert.Equal(heights[^1] - heights[0] + 1, (ulong)heights.Count);

        var sample = samples.Single(s => s.U64("height") == txHeight);
        var header = (await Node.GetJsonAsync($"/v1/blocks/{txHeight}")).GetProperty("header");
        Assert.Equal(header.U64("transaction_count"), sample.U64("transaction_count"));
        Assert.Equal(header.U64("timestamp_ms"), sample.U64("timestamp_ms"));
        Assert.False(sample.IsNull("finality_ms"), "the transfer went through this node's mempool, so its finality is known");
        Assert.True(sample.IsNull("useful_work_fraction"), "without workers in the process there is no useful-work figure");
    }

    [Fact]
    public async Task History_samples_carry_the_useful_work_fraction_once_a_worker_runs_in_the_process()
    {
        await using var node = await TestNode.StartAsync();
        node.Services.GetRequiredService<MarketStatistics>().AddInProcessWorker();
        ulong from = node.Chain.Height.Value + 1;
        await node.WaitForHeightAsync(from + 1);

        var samples = (await node.GetJsonAsync("/v1/stats/history")).GetProperty("samples").EnumerateArray().ToList();

        var sample = samples.First(s => s.U64("height") > from);
        Assert.Equal(0.0, sample.GetProperty("useful_work_fraction").GetDouble());
        Assert.Equal(0.0, sample.GetProperty("useful_work_fraction_with_duplicate_execution").GetDouble());
    }

    [Fact]
    public async Task Market_reports_chain_counts_and_leaves_cpu_figures_empty_without_in_process_workers()
    {
        var market = await Node.GetJsonAsync("/v1/market");

        var tasks = market.GetProperty("tasks");
        foreach (var state in new[] { "posted", "assigned", "committed", "verified", "settled", "rejected", "expired" })
        {
            Assert.Equal(0L, tasks.GetProperty(state).GetInt64());
        }
        Assert.Equal("0", market.Str("rewards_paid"));
        Assert.True(market.IsNull("useful_work_fraction"));
        Assert.True(market.IsNull("compute_seconds"));
        Assert.True(market.GetProperty("process_cpu_seconds").GetDouble() > 0);
    }

    [Fact]
    public async Task Node_info_names_the_roles_of_this_process_and_where_its_dashboard_is()
    {
        var info = await Node.GetJsonAsync("/v1/node");

        Assert.True(info.GetProperty("validator").GetBoolean());
        Assert.Equal(0, info.I32("in_process_workers"));
        Assert.True(info.IsNull("load"));
        Assert.Equal(Node.Home.Path, info.Str("home"));
        Assert.Equal(new Uri(Node.Http.BaseAddress!, "/").ToString(), info.Str("dashboard_url"));
    }

    [Fact]
    public async Task Worker_pages_walk_all_workers_in_address_order()
    {
        var registered = new List<string>();
        foreach (var key in Enumerable.Range(0, 3).Select(_ => _fixture.TakeFundedAccount()))
        {
            await Node.SubmitAndFinalizeAsync(new TxBuilder(key, new RegisterWorker(new Amount(2_000_000), WorkerCapabilities.MatmulMod61)).Signed());
            registered.Add(key.Address.ToString());
        }

        var listed = new List<string>();
        string? after = null;
        do
        {
            var page = await Node.GetJsonAsync(after is null ? "/v1/workers?limit=2" : $"/v1/workers?limit=2&after={after}");
            var workers = page.GetProperty("workers").EnumerateArray().Select(w => w.Str("address")).ToList();
            Assert.InRange(workers.Count, 1, 2);
            listed.AddRange(workers);
            after = page.IsNull("next_after") ? null : page.Str("next_after");
        }
        while (after is not null);

        Assert.Equal(listed.Order(StringComparer.Ordinal), listed);
        Assert.Equal(listed.Count, listed.Distinct().Count());
        Assert.Subset(listed.ToHashSet(), registered.ToHashSet());
    }

    [Theory]
    [InlineData("/v1/workers?limit=0", ApiProblems.InvalidQuery)]
    [InlineData("/v1/workers?limit=501", ApiProblems.InvalidQuery)]
    [InlineData("/v1/workers?after=pocc1notanaddress", ApiProblems.InvalidAddress)]
    public async Task Bad_worker_page_requests_are_refused_with_a_stable_code(string path, string code)
    {
        using var response = await Node.Http.GetAsync(path);
        await ApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest, code);
    }

    [Fact]
    public async Task The_dashboard_page_is_served_at_the_root_and_always_revalidated()
    {
        using var response = await Node.Http.GetAsync("/");

        await ApiAssert.StatusAsync(response, HttpStatusCode.OK);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        Assert.Contains("<html", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_missing_dashboard_asset_is_a_not_found_problem()
    {
        using var response = await Node.Http.GetAsync("/assets/no-such-file.js");
        await ApiAssert.ProblemAsync(response, HttpStatusCode.NotFound, ApiProblems.NotFound);
    }
}
