using Pocc.Node.Tests.Docs;

namespace Pocc.Cli.Tests.Docs;

/// <summary>
/// docs/cli.md is generated from the help the real <c>pocc</c> prints for itself and every command. The committed file
/// must match; with POCC_UPDATE_DOCS=1 the test rewrites it instead.
/// </summary>
public sealed class CliReferenceTests
{
    [Fact]
    public async Task Committed_cli_reference_matches_the_help_of_every_command()
    {
        var commands = await CommandHelp.CollectAsync();

        GeneratedDoc.AssertCommitted(CliReference.RelativePath, CliReference.Render(commands), CliReference.Regenerate);
    }

    [Fact]
    public async Task Reference_covers_every_command_the_help_lists_without_anything_of_this_machine()
    {
        var commands = await CommandHelp.CollectAsync();
        var reference = CliReference.Render(commands);

        var names = commands.Select(c => c.Command).ToList();
        Assert.Equal("pocc", names[0]);
        foreach (var expected in new[] { "pocc devnet", "pocc init", "pocc node run", "pocc tx transfer", "pocc query status", "pocc worker run", "pocc task submit matmul", "pocc task verify" })
        {
            Assert.Contains(expected, names);
        }
        Assert.Equal(names.Count, names.Distinct().Count());
        foreach (var command in commands)
        {
            Assert.Contains($"## `{command.Command}`\n", reference, StringComparison.Ordinal);
            Assert.StartsWith("Description:", command.Text, StringComparison.Ordinal);
        }
        Assert.Contains("[default: ~/.pocc]", reference, StringComparison.Ordinal);
        Assert.DoesNotContain(Path.GetTempPath(), reference, StringComparison.Ordinal);
        Assert.DoesNotContain(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) + "/", reference, StringComparison.Ordinal);
    }
}
