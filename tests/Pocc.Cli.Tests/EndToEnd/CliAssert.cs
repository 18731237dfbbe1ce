using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Pocc.Cli.Tests.EndToEnd;

/// <summary>Assertions on what a pocc run printed.</summary>
internal static partial class CliAssert
{
    public static void Succeeded(CommandResult result) => Assert.True(result.ExitCode == 0, $"expected success\n{result}");

    /// <summary>A failure the user can act on: a non-zero exit, an "error:" line on stderr, no stack trace.</summary>
    public static void FailedCleanly(CommandResult result, int? exitCode = null)
    {
        Assert.True(result.ExitCode != 0, $"expected a failure\n{result}");
        if (exitCode is { } expected)
        {
            Assert.True(result.ExitCode == expected, $"expected exit code {expected}\n{result}");
        }
        Assert.True(result.Stderr.Contains("error:", StringComparison.Ordinal), $"expected 'error:' on stderr\n{result}");
        NoStackTrace(result);
    }

    public static void NoStackTrace(CommandResult result)
    {
        var output = result.Stdout + result.Stderr;
        Assert.False(output.Contains("Unhandled exception", StringComparison.OrdinalIgnoreCase), $"unexpected crash\n{result}");
        Assert.False(StackFrame().IsMatch(output), $"unexpected stack trace\n{result}");
    }

    /// <summary>The run succeeded and its stdout is one JSON object.</summary>
    public static JsonObject Json(CommandResult result)
    {
        Succeeded(result);
        JsonNode? parsed = null;
        try
        {
            parsed = JsonNode.Parse(result.Stdout);
        }
        catch (System.Text.Json.JsonException e)
        {
            Assert.Fail($"stdout is not JSON: {e.Message}\n{result}");
        }
        return parsed as JsonObject ?? throw new Xunit.Sdk.XunitException($"stdout is not a JSON object\n{result}");
    }

    /// <summary>The value printed on a "label: value" line, e.g. "address:    pocc1...".</summary>
    public static string Field(CommandResult result, string label)
    {
        var match = Regex.Match(result.Stdout, $@"^{Regex.Escape(label)}:\s*(\S+)\s*$", RegexOptions.Multiline);
        Assert.True(match.Success, $"no '{label}:' line\n{result}");
        return match.Groups[1].Value;
    }

    [GeneratedRegex(@"^\s+at \S+\(", RegexOptions.Multiline)]
    private static partial Regex StackFrame();
}
