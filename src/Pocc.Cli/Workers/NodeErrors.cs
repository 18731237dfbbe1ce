using Pocc.Cli.Common;

namespace Pocc.Cli.Workers;

/// <summary>How a worker classifies the node's refusals and failures (by <see cref="CliException.Code"/> and exit code).</summary>
public static class NodeErrors
{
    /// <summary>Exit code of a <see cref="CliException"/> for an unreachable node or a broken-off transfer.</summary>
    public const int Unreachable = 2;

    /// <summary>Exit code of a <see cref="CliException"/> for a 404 answer.</summary>
    public const int NotFound = 3;

    /// <summary>True when the node answered 404 with <paramref name="code"/> (not merely an unknown route).</summary>
    public static bool IsNotFound(CliException exception, string code) => exception.ExitCode == NotFound && exception.Code == code;

    /// <summary>
    /// True when the node could not be reached, broke off an answer or was overloaded: worth retrying later, unchanged.
    /// (A response cut short by a dying node can surface as a raw <see cref="HttpRequestException"/> or <see cref="IOException"/>.)
    /// </summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        CliException cli => cli.ExitCode == Unreachable || cli.Code is { } code && (code.StartsWith("http.5", StringComparison.Ordinal) || code == "mempool.full"),
        HttpRequestException or IOException => true,
        _ => false,
    };
}
