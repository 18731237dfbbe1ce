using System.Diagnostics;

namespace Pocc.Cli.Tests.EndToEnd;

/// <summary>
/// Runs the real <c>pocc</c> executable as a child process: <c>dotnet pocc.dll ...</c>, the build output the test
/// project copies next to itself because it references Pocc.Cli. Every run has a hard timeout after which the
/// process tree is killed.
/// </summary>
internal static class PoccProcess
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public static string DllPath { get; } = Path.Combine(AppContext.BaseDirectory, "pocc.dll");

    /// <summary>The start info for <c>pocc args...</c>, isolated from the caller's POCC_ environment and default home.</summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        if (!File.Exists(DllPath) || !File.Exists(Path.ChangeExtension(DllPath, ".runtimeconfig.json")))
        {
            throw new InvalidOperationException($"{DllPath} and its runtimeconfig.json should be copied next to the tests by the project reference");
        }
        var start = new ProcessStartInfo(DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(DllPath);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("POCC_", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }
        // A command that falls back to the default home by mistake fails here instead of touching ~/.pocc.
        start.Environment["POCC_HOME"] = Path.Combine(Path.GetTempPath(), "pocc-cli-tests-no-default-home", "missing");
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        return start;
    }

    /// <summary>Runs <c>pocc args...</c> to completion and captures its exit code and output.</summary>
    public static async Task<CommandResult> RunAsync(IEnumerable<string> args, TimeSpan? timeout = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var argList = args.ToList();
        using var process = Process.Start(StartInfo(argList, environment)) ?? throw new InvalidOperationException("cannot start pocc");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"pocc {string.Join(' ', argList)} did not finish within {(timeout ?? DefaultTimeout).TotalSeconds} s\n" +
                new CommandResult(-1, await stdout, await stderr));
        }
        return new CommandResult(process.ExitCode, await stdout, await stderr);
    }

    public static Task<CommandResult> RunAsync(params string[] args) => RunAsync(args, null, null);

    /// <summary>The dotnet host running these tests, so the child uses the same runtime.</summary>
    private static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
