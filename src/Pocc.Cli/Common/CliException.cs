using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace Pocc.Cli.Common;

/// <summary>A failure the user can fix: printed as "error: message" with a non-zero exit code, never as a stack trace.</summary>
public sealed class CliException : Exception
{
    public CliException(string message, int exitCode = 1, string? code = null) : base(message)
    {
        ExitCode = exitCode;
        Code = code;
    }

    public CliException() : this("failed") { }

    public CliException(string message, Exception innerException) : base(message, innerException) => ExitCode = 1;

    public int ExitCode { get; }

    /// <summary>The stable error code (e.g. <c>tx.nonce_gap</c>) when a node or a store refused something, else null.</summary>
    public string? Code { get; }

    /// <summary>
    /// A node's refusal as a CLI error: the problem+json <c>code</c> (or <c>http.STATUS</c> when the body has none) and its
    /// detail, exit code 3 for a 404 and 1 otherwise.
    /// </summary>
    public static CliException FromProblem(HttpStatusCode status, string? reasonPhrase, JsonObject? problem)
    {
        var code = problem?["code"]?.GetValue<string>() ?? string.Create(CultureInfo.InvariantCulture, $"http.{(int)status}");
        var detail = problem?["detail"]?.GetValue<string>() ?? problem?["title"]?.GetValue<string>() ?? reasonPhrase ?? "request failed";
        return new CliException($"{code}: {detail}", status == HttpStatusCode.NotFound ? 3 : 1, code);
    }
}
