using System.CommandLine;

namespace Pocc.Cli.Common;

/// <summary>Options shared by several commands, with one description and one default each.</summary>
public static class CommonOptions
{
    public const string DefaultNodeUrl = "http://127.0.0.1:26657";

    public static string DefaultHome =>
        Environment.GetEnvironmentVariable("POCC_HOME") is { Length: > 0 } home
            ? home
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".pocc");

    public static Option<string> Home() => new("--home")
    {
        Description = "The node's home directory (config, genesis, keys, data). Default: $POCC_HOME or ~/.pocc",
        DefaultValueFactory = _ => DefaultHome,
    };

    public static Option<string> Node() => new("--node")
    {
        Description = "URL of the node's HTTP API",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("POCC_NODE") is { Length: > 0 } url ? url : DefaultNodeUrl,
    };

    public static Option<bool> Json() => new("--json") { Description = "Print machine-readable JSON" };
}
