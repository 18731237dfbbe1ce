using System.Diagnostics;
using Microsoft.Playwright;

namespace Pocc.Cli.Tests.Dashboard;

/// <summary>
/// Debian's Chromium, driven by Playwright for .NET. Playwright never downloads a browser here: it launches the
/// system one at <see cref="ChromiumPath"/>. Where Chromium is missing and the tests run as root (a fresh machine
/// of the kind CI uses), the fixture installs Debian's package itself and says so; otherwise it fails with the
/// command to run.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xUnit disposes the fixture through IAsyncLifetime.DisposeAsync")]
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>Where screenshots and measurements go: $POCC_TEST_ARTIFACTS, or artifacts/ beside the test assembly.</summary>
    public static string ArtifactsDirectory { get; } = Directory.CreateDirectory(
        Environment.GetEnvironmentVariable("POCC_TEST_ARTIFACTS") is { Length: > 0 } configured ? configured : Path.Combine(AppContext.BaseDirectory, "artifacts")).FullName;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("the browser is not running");

    public async Task InitializeAsync()
    {
        await EnsureChromiumAsync();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // Root in a container has no user namespace sandbox; /dev/shm may be tiny.
            Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
        });
    }

    /// <summary>A fresh page (own context: no cache or storage shared between tests) with a desktop-sized viewport.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        _playwright?.Dispose();
    }

    private static async Task EnsureChromiumAsync()
    {
        if (File.Exists(ChromiumPath))
        {
            return;
        }
        if (Environment.UserName != "root" || !File.Exists("/usr/bin/apt-get"))
        {
            throw new InvalidOperationException($"the dashboard tests need Debian's Chromium at {ChromiumPath}: run 'apt-get install -y chromium' as root");
        }
        Console.Error.WriteLine($"{ChromiumPath} is missing: installing Debian's chromium package for the dashboard tests");
        var start = new ProcessStartInfo("sh", ["-c", "apt-get update -qq && apt-get install -y -q chromium"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var apt = Process.Start(start) ?? throw new InvalidOperationException("cannot run sh");
        var output = apt.StandardOutput.ReadToEndAsync();
        var errors = apt.StandardError.ReadToEndAsync();
        await apt.WaitForExitAsync();
        if (apt.ExitCode != 0 || !File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"installing chromium failed (apt-get exit code {apt.ExitCode}):\n{await output}\n{await errors}");
        }
    }
}
