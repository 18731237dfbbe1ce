using Microsoft.Playwright;
using Pocc.Cli.Tests.EndToEnd;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Pocc.Cli.Tests.Dashboard;

/// <summary>The dashboard in Chromium against a running <c>pocc devnet</c> (transfers, two workers, one of them faulty, a matmul workload).</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xUnit disposes the test class through IAsyncLifetime.DisposeAsync")]
public sealed class DashboardDevnetTests : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private readonly BrowserFixture _browser;
    private readonly ITestOutputHelper _output;
    private readonly TempDirectory _dir = new();
    private NodeProcess? _devnet;

    public DashboardDevnetTests(BrowserFixture browser, ITestOutputHelper output)
    {
        _browser = browser;
        _output = output;
    }

    private NodeProcess Devnet => _devnet!;

    public async Task InitializeAsync()
    {
        string url = FreePort.NextUrl();
        _devnet = await NodeProcess.StartAsync(
            ["devnet", "--validators", "1", "--home", _dir.Combine("devnet"), "--api-url", url, "--accounts", "200", "--rate", "100", "--workers", "2", "--task-n", "128"], url, null);
    }

    public async Task DisposeAsync()
    {
        if (_devnet is not null)
        {
            await _devnet.DisposeAsync();
        }
        _dir.Dispose();
    }

    [Fact]
    public async Task The_devnet_prints_its_dashboard_address_on_a_line_of_its_own()
    {
        await Devnet.WaitForOutputAsync($"\ndashboard: {Devnet.Url}/\n", NodeProcess.StartTimeout);
    }

    [Fact]
    public async Task Loads_live_shows_new_blocks_and_the_devnet_figures_and_saves_a_screenshot()
    {
        var page = new DashboardPage(await _browser.NewPageAsync(), Devnet.Url);

        await page.OpenAsync();
        await page.ExpectLiveAsync();
        double firstRenderMs = await page.FirstRenderMsAsync();
        _output.WriteLine($"dashboard first render: {firstRenderMs:F0} ms");
        await DashboardPage.RecordAsync("dashboard-first-render", new { first_render_ms = firstRenderMs });

        ulong shown = await page.HeadHeightAsync();
        ulong later = await page.WaitForHeadAboveAsync(shown);
        await Expect(page.Page.Locator($"[data-testid=block-row][data-height='{later}']")).ToBeVisibleAsync(new() { Timeout = (float)DashboardPage.LiveTimeout.TotalMilliseconds });

        // The terminal summary's figures are on the page too: chain id, the load, the market and the machine.
        var status = await Devnet.GetAsync("/v1/status");
        var info = await Devnet.GetAsync("/v1/node");
        var body = page.Page.Locator("body");
        await Expect(body).ToContainTextAsync(status["chain_id"]!.GetValue<string>());
        await Expect(body).ToContainTextAsync(info["matmul_executor"]!.GetValue<string>()[..20]);
        foreach (var label in new[] { "useful work", "refused at admission", "rejected at proposal", "supply conserved", "invalid results" })
        {
            await Expect(body).ToContainTextAsync(label, new() { IgnoreCase = true });
        }
        foreach (var chart in new[] { "chart-finality", "chart-gflops", "chart-useful-work", "chart-rewards" })
        {
            await Expect(page.Page.GetByTestId(chart)).ToBeVisibleAsync();
        }
        _output.WriteLine($"screenshot: {await page.ScreenshotAsync("dashboard-devnet")}");
    }

    [Fact]
    public async Task Drills_down_from_a_block_to_its_transaction()
    {
        var page = new DashboardPage(await _browser.NewPageAsync(), Devnet.Url);
        // A block with transactions in it: the devnet's load sends transfers every block or so, once it is under way
        // (on a busy machine the newest 50 blocks can still be empty, so wait for one).
        var deadline = DateTime.UtcNow + DashboardPage.LiveTimeout;
        System.Text.Json.Nodes.JsonNode? withTransactions;
        while ((withTransactions = (await Devnet.GetAsync("/v1/blocks?limit=50"))["blocks"]!.AsArray()
            .FirstOrDefault(b => b!["transaction_count"]!.GetValue<uint>() > 0)) is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "no block with transactions among the newest 50");
            await Task.Delay(250);
        }
        ulong height = withTransactions["height"]!.GetValue<ulong>();
        var block = await Devnet.GetAsync($"/v1/blocks/{height}");
        string txHash = block["transaction_hashes"]![0]!.GetValue<string>();

        await page.OpenAsync($"/blocks/{height}");
        await Expect(page.Page.Locator("body")).ToContainTextAsync(block["hash"]!.GetValue<string>());
        await page.Page.Locator($"a[href='#/tx/{txHash}']").First.ClickAsync();

        await Expect(page.Page.Locator("body")).ToContainTextAsync(txHash);
        Assert.EndsWith($"#/tx/{txHash}", page.Page.Url, StringComparison.Ordinal);
    }
}
