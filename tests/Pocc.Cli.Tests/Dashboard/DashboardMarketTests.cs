using Pocc.Cli.Tests.EndToEnd;
using Pocc.Cli.Tests.Tasks;
using static Microsoft.Playwright.Assertions;

namespace Pocc.Cli.Tests.Dashboard;

/// <summary>A task posted through the API shows up on the open page by itself and follows its lifecycle to the end.</summary>
public sealed class DashboardSettledTaskTests(BrowserFixture browser, HonestMarketFixture market) : IClassFixture<BrowserFixture>, IClassFixture<HonestMarketFixture>
{
    [Fact]
    public async Task A_task_posted_through_the_api_appears_and_reaches_settled()
    {
        var page = new DashboardPage(await browser.NewPageAsync(), market.Url);
        await page.OpenAsync("/tasks");
        await page.ExpectLiveAsync();

        string id = await DashboardMarketSteps.PostTaskAsync(market);

        await DashboardMarketSteps.ExpectTaskStateAsync(page, id, "settled");
        await page.NavigateAsync($"/tasks/{id}");
        await Expect(page.TaskState).ToHaveTextAsync("settled");
        await Expect(page.TaskOutcome).ToContainTextAsync("verified");
    }

    [Fact]
    public async Task A_STARK_task_shows_its_steps_and_its_policy()
    {
        var page = new DashboardPage(await browser.NewPageAsync(), market.Url);
        await page.OpenAsync("/tasks");
        await page.ExpectLiveAsync();

        var submit = await market.PoccAsync("task", "submit", "stark", "--computation", "permutation-chain", "--steps", "511", "--fee", "5000",
            "--key", market.RequesterKey);
        CliAssert.Succeeded(submit);
        string id = TaskMarketFixture.PostedTaskId(submit);

        await DashboardMarketSteps.ExpectTaskStateAsync(page, id, "settled");
        await Expect(page.TaskRow(id)).ToContainTextAsync("511 steps");
        await page.NavigateAsync($"/tasks/{id}");
        await Expect(page.TaskState).ToHaveTextAsync("settled");
        await Expect(page.Page.GetByText("STARK: validators check the proof")).ToBeVisibleAsync();
        await Expect(page.Page.GetByText("at least 96 bits, conjectured")).ToBeVisibleAsync();
    }
}

/// <summary>A task whose worker commits a wrong result is shown as rejected, list and detail alike.</summary>
public sealed class DashboardRejectedTaskTests(BrowserFixture browser, FaultyMarketFixture market) : IClassFixture<BrowserFixture>, IClassFixture<FaultyMarketFixture>
{
    [Fact]
    public async Task A_task_with_a_wrong_result_shows_as_rejected()
    {
        var page = new DashboardPage(await browser.NewPageAsync(), market.Url);
        await page.OpenAsync("/tasks");
        await page.ExpectLiveAsync();

        string id = await DashboardMarketSteps.PostTaskAsync(market);

        await DashboardMarketSteps.ExpectTaskStateAsync(page, id, "rejected");
        await page.NavigateAsync($"/tasks/{id}");
        await Expect(page.TaskState).ToHaveTextAsync("rejected");
        await Expect(page.TaskOutcome).ToContainTextAsync("wrong", new() { IgnoreCase = true });
    }
}

internal static class DashboardMarketSteps
{
    /// <summary>Posts a small mod61 product with <c>pocc task submit</c> (without waiting); returns its id.</summary>
    public static async Task<string> PostTaskAsync(TaskMarketFixture market)
    {
        var submit = await market.PoccAsync("task", "submit", "matmul", "--n", "64", "--dtype", "mod61", "--fee", "5000", "--key", market.RequesterKey);
        CliAssert.Succeeded(submit);
        return TaskMarketFixture.PostedTaskId(submit);
    }

    /// <summary>The task's row appears in the open list without a reload and reaches <paramref name="state"/>.</summary>
    public static async Task ExpectTaskStateAsync(DashboardPage page, string id, string state)
    {
        var row = page.TaskRow(id);
        await Expect(row).ToBeVisibleAsync(new() { Timeout = (float)DashboardPage.LiveTimeout.TotalMilliseconds });
        await Expect(row).ToHaveAttributeAsync("data-state", state, new() { Timeout = (float)DashboardPage.LiveTimeout.TotalMilliseconds });
    }
}
