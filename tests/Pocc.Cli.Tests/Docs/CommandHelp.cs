using Pocc.Cli.Tests.EndToEnd;

namespace Pocc.Cli.Tests.Docs;

/// <summary>
/// What <c>pocc … --help</c> prints for one command, read from the real executable. The help of every command is
/// collected by walking the "Commands:" section of each help text, in the order the help lists them.
/// </summary>
internal sealed record CommandHelp(string Command, string Text)
{
    /// <summary>
    /// The environment of every help run: the default home prints as "~/.pocc" on every machine (other POCC_ variables
    /// are removed by <see cref="PoccProcess"/>, so --node shows its built-in default).
    /// </summary>
    private static readonly Dictionary<string, string> Environment = new() { ["POCC_HOME"] = "~/.pocc" };

    /// <summary>The first line of the "Description:" section.</summary>
    public string Description => Section("Description:").FirstOrDefault() ?? "";

    /// <summary>The names of the subcommands listed under "Commands:" (without their arguments).</summary>
    public IReadOnlyList<string> Subcommands => [.. Section("Commands:").Select(line => line.Split(' ', 2)[0])];

    /// <summary>The help of <c>pocc</c> and of every command below it, depth first.</summary>
    public static async Task<IReadOnlyList<CommandHelp>> CollectAsync()
    {
        var all = new List<CommandHelp>();
        await VisitAsync([], all);
        return all;
    }

    private static async Task VisitAsync(IReadOnlyList<string> path, List<CommandHelp> into)
    {
        var run = await PoccProcess.RunAsync([.. path, "--help"], null, Environment);
        var command = string.Join(' ', ["pocc", .. path]);
        Assert.True(run.ExitCode == 0 && run.Stderr.Length == 0, $"{command} --help failed\n{run}");
        var help = new CommandHelp(command, Normalize(run.Stdout));
        into.Add(help);
        foreach (var subcommand in help.Subcommands)
        {
            await VisitAsync([.. path, subcommand], into);
        }
    }

    /// <summary>The trimmed lines of a section such as "Commands:", up to the blank line that ends it.</summary>
    private IEnumerable<string> Section(string heading) =>
        Text.Split('\n').SkipWhile(line => line != heading).Skip(1).TakeWhile(line => line.Length > 0).Select(line => line.Trim());

    private static string Normalize(string output) =>
        string.Join('\n', output.ReplaceLineEndings("\n").Split('\n').Select(line => line.TrimEnd())).Trim('\n');
}
