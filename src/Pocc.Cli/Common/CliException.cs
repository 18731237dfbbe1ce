namespace Pocc.Cli.Common;

/// <summary>A failure the user can fix: printed as "error: message" with a non-zero exit code, never as a stack trace.</summary>
public sealed class CliException : Exception
{
    public CliException(string message, int exitCode = 1) : base(message) => ExitCode = exitCode;

    public CliException() : this("failed") { }

    public CliException(string message, Exception innerException) : base(message, innerException) => ExitCode = 1;

    public int ExitCode { get; }
}
