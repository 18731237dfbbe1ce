using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Pocc.Cli.Tests.Dashboard;

/// <summary>The dashboard as a test sees it: its stable data-testid hooks, and waits that poll the live page.</summary>
internal sealed class DashboardPage
{
    /// <summary>How long the page may take to show something the node already has (a block, a task's new state).</summary>
    public static readonly TimeSpan LiveTimeout = TimeSpan.FromSeconds(60);

    private readonly IPage _page;
    private readonly string _baseUrl;

    public DashboardPage(IPage page, string baseUrl)
    {
        _page = page;
        _baseUrl = baseUrl.TrimEnd('/');
    }

    public IPage Page => _page;

    public ILocator Connection => _page.GetByTestId("connection");

    public ILocator HeadHeight => _page.GetByTestId("head-height");

    public ILocator BlockRows => _page.GetByTestId("block-row");

    public ILocator NotFound => _page.GetByTestId("not-found");

    public ILocator TaskRow(string id) => _page.Locator($"[data-testid=task-row][data-task-id='{id}']");

    public ILocator TaskState => _page.GetByTestId("task-state");

    public ILocator TaskOutcome => _page.GetByTestId("task-outcome");

    public async Task OpenAsync(string route = "")
    {
        await _page.GotoAsync($"{_baseUrl}/{(route.Length == 0 ? "" : "#" + route)}");
    }

    /// <summary>Moves to another view inside the running page (no reload), as a click on a link would.</summary>
    public async Task NavigateAsync(string route) => await _page.EvaluateAsync("route => { window.location.hash = route; }", route);

    public async Task ExpectLiveAsync() => await Expect(Connection).ToHaveTextAsync("live", new() { Timeout = (float)LiveTimeout.TotalMilliseconds });

    public async Task<ulong> HeadHeightAsync()
    {
        await Expect(HeadHeight).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\s*[\d,]+\s*$"), new() { Timeout = (float)LiveTimeout.TotalMilliseconds });
        return ulong.Parse((await HeadHeight.InnerTextAsync()).Replace(",", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>Waits until the displayed head is above <paramref name="height"/>; returns the new value.</summary>
    public async Task<ulong> WaitForHeadAboveAsync(ulong height)
    {
        var deadline = DateTime.UtcNow + LiveTimeout;
        while (true)
        {
            ulong shown = await HeadHeightAsync();
            if (shown > height)
            {
                return shown;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the page still shows head {shown}, not above {height}, after {LiveTimeout.TotalSeconds} s");
            }
            await Task.Delay(200);
        }
    }

    /// <summary>Milliseconds from navigation start to the first render with real data, as the page itself records it.</summary>
    public async Task<double> FirstRenderMsAsync()
    {
        await _page.WaitForFunctionAsync("() => typeof window.__poccFirstRenderMs === 'number'", null, new() { Timeout = (float)LiveTimeout.TotalMilliseconds });
        return await _page.EvaluateAsync<double>("() => window.__poccFirstRenderMs");
    }

    /// <summary>Saves a full-page screenshot as a test artefact; returns its path.</summary>
    public async Task<string> ScreenshotAsync(string name)
    {
        var path = Path.Combine(BrowserFixture.ArtifactsDirectory, name + ".png");
        await _page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    /// <summary>Records a measurement beside the screenshots (JSON), so a run's figures can be read back.</summary>
    public static async Task RecordAsync(string name, object measurement) =>
        await File.WriteAllTextAsync(Path.Combine(BrowserFixture.ArtifactsDirectory, name + ".json"), JsonSerializer.Serialize(measurement));
}
