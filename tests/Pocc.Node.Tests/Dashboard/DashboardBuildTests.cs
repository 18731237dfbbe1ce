using System.Security.Cryptography;
using System.Text;

namespace Pocc.Node.Tests.Dashboard;

/// <summary>
/// The dashboard's built assets are committed (a node builds without npm), so they must be rebuilt whenever its
/// sources change: web/dashboard/scripts/stamp.mjs records the sources' digest at build time and this test
/// recomputes it the same way.
/// </summary>
public sealed class DashboardBuildTests
{
    private static readonly string[] Inputs = ["index.html", "package.json", "package-lock.json", "tsconfig.json", "vite.config.ts", "src"];

    [Fact]
    public void The_committed_build_is_of_the_current_sources()
    {
        var repository = RepositoryRoot();
        var sources = Path.Combine(repository, "web", "dashboard");
        var stamp = File.ReadAllText(Path.Combine(repository, "src", "Pocc.Node", "Dashboard", "wwwroot", "source-stamp.txt")).Trim();

        Assert.True(stamp == SourceDigest(sources),
            "web/dashboard changed since src/Pocc.Node/Dashboard/wwwroot was built: run 'npm ci && npm run build' in web/dashboard and commit the result");
    }

    [Fact]
    public void The_digest_changes_when_any_source_byte_changes()
    {
        using var copy = new TemporaryCopy(Path.Combine(RepositoryRoot(), "web", "dashboard"), Inputs);
        string before = SourceDigest(copy.Path);
        var file = Directory.EnumerateFiles(Path.Combine(copy.Path, "src"), "*.ts").Order(StringComparer.Ordinal).First();
        File.AppendAllText(file, " ");

        Assert.NotEqual(before, SourceDigest(copy.Path));
    }

    /// <summary>SHA-256 over each input file's relative path, byte length and bytes, in ordinal order of the paths.</summary>
    private static string SourceDigest(string root)
    {
        var paths = Inputs
            .SelectMany(input => Path.Combine(root, input) is var path && Directory.Exists(path)
                ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                : [path])
            .Select(path => Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var path in paths)
        {
            var bytes = File.ReadAllBytes(Path.Combine(root, path));
            hash.AppendData(Encoding.UTF8.GetBytes($"{path}\n{bytes.Length}\n"));
            hash.AppendData(bytes);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static string RepositoryRoot()
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

    private sealed class TemporaryCopy : IDisposable
    {
        public TemporaryCopy(string source, IEnumerable<string> inputs)
        {
            Path = Directory.CreateTempSubdirectory("pocc-dashboard-").FullName;
            foreach (var input in inputs)
            {
                var from = System.IO.Path.Combine(source, input);
                var files = Directory.Exists(from) ? Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories) : [from];
                foreach (var file in files)
                {
                    var to = System.IO.Path.Combine(Path, System.IO.Path.GetRelativePath(source, file));
                    Directory.CreateDirectory(System.IO.Path.GetDirectoryName(to)!);
                    File.Copy(file, to);
                }
            }
        }

        public string Path { get; }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
