namespace Pocc.Node.Tests.Docs;

/// <summary>
/// A file under docs/ that a test generates: compared with the committed copy, or rewritten when the environment
/// variable <see cref="UpdateVariable"/> is 1.
/// </summary>
internal static class GeneratedDoc
{
    public const string UpdateVariable = "POCC_UPDATE_DOCS";

    public static bool Updating => Environment.GetEnvironmentVariable(UpdateVariable) == "1";

    /// <summary>The repository's root: the nearest directory above the test binaries that holds PoCC.slnx.</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "PoCC.slnx")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"no PoCC.slnx above {AppContext.BaseDirectory}");
    }

    /// <summary>
    /// Passes when the committed <paramref name="relativePath"/> equals <paramref name="generated"/> (line endings aside);
    /// with <see cref="UpdateVariable"/>=1 it writes the file instead. <paramref name="regenerate"/> is the command that does that.
    /// </summary>
    public static void AssertCommitted(string relativePath, string generated, string regenerate)
    {
        var path = Path.Combine(RepositoryRoot(), relativePath);
        if (Updating)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, generated);
            return;
        }
        string? committed = File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n") : null;
        if (committed == generated)
        {
            return;
        }
        Assert.Fail(committed is null
            ? $"{relativePath} does not exist. Generate it with:\n  {regenerate}"
            : $"{relativePath} is out of date ({FirstDifference(committed, generated)}). Regenerate it with:\n  {regenerate}");
    }

    private static string FirstDifference(string committed, string generated)
    {
        var a = committed.Split('\n');
        var b = generated.Split('\n');
        for (int i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            string? left = i < a.Length ? a[i] : null;
            string? right = i < b.Length ? b[i] : null;
            if (left != right)
            {
                return $"line {i + 1}: committed {Quote(left)}, generated {Quote(right)}";
            }
        }
        return "they differ";
    }

    private static string Quote(string? line) => line is null ? "(end of file)" : $"\"{line}\"";
}
