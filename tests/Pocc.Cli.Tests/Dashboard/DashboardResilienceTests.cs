using Pocc.Cli.Tests.EndToEnd;
using static Microsoft.Playwright.Assertions;

namespace Pocc.Cli.Tests.Dashboard;

/// <summary>The page when the node goes away and comes back, for ids that do not exist, and for a long chain.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xUnit disposes the test class through IAsyncLifetime.DisposeAsync")]
public sealed class DashboardResilienceTests : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private readonly BrowserFixture _browser;
    private readonly TempDirectory _dir = new();
    private NodeProcess? _node;
    private string _url = "";

    public DashboardResilienceTests(BrowserFixture browser) => _browser = browser;

    private string Home => _dir.Combine("home");

    public async Task InitializeAsync()
    {
        CliAssert.Succeeded(await PoccProcess.RunAsync("init", "--home", Home));
        _url = FreePort.NextUrl();
        _node = await NodeProcess.StartAsync(Home, _url, "--block-interval-ms", "50");
    }

    public async Task DisposeAsync()
    {
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }
        _dir.Dispose();
    }

    [Fact]
    public async Task Shows_reconnecting_while_the_node_is_down_keeps_its_data_and_goes_live_again()
    {
        var page = new DashboardPage(await _browser.NewPageAsync(), _url);
        await page.OpenAsync();
        await page.ExpectLiveAsync();
        ulong before = await page.HeadHeightAsync();

        await _node!.KillAsync();
        await _node.DisposeAsync();
        _node = null;

        await Expect(page.Connection).ToHaveTextAsync("reconnecting", new() { Timeout = (float)DashboardPage.LiveTimeout.TotalMilliseconds });
        Assert.True(await page.HeadHeightAsync() >= before, "the last head stays on screen while the node is down");

        _node = await NodeProcess.StartAsync(Home, _url, "--block-interval-ms", "50");
        await page.ExpectLiveAsync();
        await page.WaitForHeadAboveAsync(before);
    }

    [Theory]
    [InlineData("/tasks/999999")]
    [InlineData("/blocks/99999999")]
    [InlineData("/tx/0000000000000000000000000000000000000000000000000000000000000001")]
    [InlineData("/tx/not-a-hash")]
    [InlineData("/workers/pocc1notanaddress")]
    public async Task Unknown_ids_get_a_not_found_view(string route)
    {
        var page = new DashboardPage(await _browser.NewPageAsync(), _url);

        await page.OpenAsync(route);

        await Expect(page.NotFound).ToBeVisibleAsync(new() { Timeout = (float)DashboardPage.LiveTimeout.TotalMilliseconds });
        await Expect(page.Connection).ToHaveTextAsync("live");
    }

    [Fact]
    public async Task A_long_chain_is_listed_a_page_at_a_time()
    {
        var page = new DashboardPage(await _browser.NewPageAsync(), _url);
        await page.OpenAsync("/blocks");
        await page.ExpectLiveAsync();
        // 50 ms blocks: well past two pages of blocks within a few seconds.
        await page.WaitForHeadAboveAsync(120);
        await page.OpenAsync("/blocks");
        await Expect(page.BlockRows.First).ToBeVisibleAsync();

        int rows = await page.BlockRows.CountAsync();

        Assert.InRange(rows, 1, 50);
    }
}
