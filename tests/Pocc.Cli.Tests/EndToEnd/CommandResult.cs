namespace Pocc.Cli.Tests.EndToEnd;

/// <summary>What one run of the <c>pocc</c> command did.</summary>
internal sealed record CommandResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit code {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}
