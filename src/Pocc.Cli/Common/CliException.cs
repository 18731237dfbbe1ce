using Pocc.Client;

namespace Pocc.Cli.Common;

/// <summary>A failure the user can fix: printed as "error: message" with a non-zero exit code, never as a stack trace.</summary>
public sealed class CliException : Exception
{
    /// <summary>Exit code when the node cannot be reached, stops answering or breaks off a transfer.</summary>
    public const int UnreachableExitCode = 2;

    /// <summary>Exit code when the node answers 404: the thing asked for does not exist.</summary>
    public const int NotFoundExitCode = 3;

    public CliException(string message, int exitCode = 1, string? code = null, Exception? innerException = null) : base(message, innerException)
    {
        ExitCode = exitCode;
        Code = code;
    }

    public CliException() : this("failed") { }

    public CliException(string message, Exception innerException) : this(message, 1, null, innerException) { }

    public int ExitCode { get; }

    /// <summary>The stable error code (e.g. <c>tx.nonce_gap</c>) when a node or a store refused something, else null.</summary>
    public string? Code { get; }

    /// <summary>
    /// A client error as a CLI error with the same message and code: exit code 2 for an unreachable node, 3 for a 404,
    /// 1 for any other refusal or an answer that cannot be trusted.
    /// </summary>
    public static CliException From(PoccClientException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        int exitCode = error switch
        {
            PoccUnavailableException => UnreachableExitCode,
            PoccApiException { IsNotFound: true } => NotFoundExitCode,
            _ => 1,
        };
        return new CliException(error.Message, exitCode, error.Code, error);
    }
}
