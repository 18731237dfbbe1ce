using System.Text.RegularExpressions;
using Pocc.Cli.Common;

namespace Pocc.Cli.Workers;

/// <summary>Reads the node's stable error code back out of a <see cref="CliException"/> ("tx.nonce_gap: ...").</summary>
public static partial class NodeErrors
{
    /// <summary>Exit code of a <see cref="CliException"/> for an unreachable node or a broken-off transfer.</summary>
    public const int Unreachable = 2;

    /// <summary>Exit code of a <see cref="CliException"/> for a 404 answer.</summary>
    public const int NotFound = 3;

    /// <summary>True when the node answered 404 with <paramref name="code"/> (not merely an unknown route).</summary>
    public static bool IsNotFound(CliException exception, string code) => exception.ExitCode == NotFound && CodeOf(exception) == code;

    /// <summary>The node's problem code at the start of the message, or null when the failure did not come from the node.</summary>
    public static string? CodeOf(CliException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var match = CodePrefix().Match(exception.Message);
        return match.Success ? match.Groups[1].Value : null;
    }

    /// <summary>
    /// True when the node could not be reached, broke off an answer or was overloaded: worth retrying later, unchanged.
    /// (A response cut short by a dying node can surface as a raw <see cref="HttpRequestException"/> or <see cref="IOException"/>.)
    /// </summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        CliException cli => cli.ExitCode == Unreachable || CodeOf(cli) is { } code && (code.StartsWith("http.5", StringComparison.Ordinal) || code == "mempool.full"),
        HttpRequestException or IOException => true,
        _ => false,
    };

    [GeneratedRegex(@"^([a-z0-9_]+\.[a-z0-9_]+): ")]
    private static partial Regex CodePrefix();
}
