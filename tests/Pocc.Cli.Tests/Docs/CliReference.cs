using System.Globalization;
using System.Text;

namespace Pocc.Cli.Tests.Docs;

/// <summary>
/// Renders docs/cli.md: a hand-written preamble (running pocc, common tasks, exit codes, environment), an index of the
/// commands, then the help of <c>pocc</c> and of every command below it, in the order the help lists them.
/// </summary>
internal static class CliReference
{
    public const string RelativePath = "docs/cli.md";

    public const string Regenerate =
        "POCC_UPDATE_DOCS=1 dotnet test tests/Pocc.Cli.Tests -c Release --filter FullyQualifiedName~Pocc.Cli.Tests.Docs.CliReferenceTests";

    public static string Render(IReadOnlyList<CommandHelp> commands)
    {
        var md = new StringBuilder();
        md.Append("<!-- Generated from `pocc --help` and the help of every command by tests/Pocc.Cli.Tests/Docs/CliReferenceTests.cs.\n");
        md.Append("     Do not edit: change the commands (or the preamble in CliReference.cs), then run\n");
        md.Append("     ").Append(Regenerate).Append(" -->\n\n");
        md.Append("# The `pocc` command\n\n");
        md.Append(Preamble);
        md.Append("\n## Commands\n\n| command | what it does |\n|---|---|\n");
        foreach (var command in commands.Skip(1))
        {
            md.Append(CultureInfo.InvariantCulture, $"| [`{command.Command}`](#{Anchor(command.Command)}) | {command.Description.Replace("|", "\\|", StringComparison.Ordinal)} |\n");
        }
        md.Append('\n');
        foreach (var command in commands)
        {
            md.Append(CultureInfo.InvariantCulture, $"## `{command.Command}`\n\n```text\n{command.Text}\n```\n\n");
        }
        return md.ToString().TrimEnd('\n') + "\n";
    }

    /// <summary>GitHub's anchor of a heading that is just the command in backticks: lower case, spaces to hyphens.</summary>
    private static string Anchor(string command) => command.ToLowerInvariant().Replace(' ', '-');

    private const string Preamble = """
        `pocc` runs a node, a local devnet, a compute-market worker, and the client side of everything: keys,
        transactions, queries, blobs, tasks and benchmarks. Run it from a checkout as
        `dotnet run -c Release --project src/Pocc.Cli -- <command>`, or build once (`dotnet build PoCC.slnx -c Release`)
        and run `src/Pocc.Cli/bin/Release/net10.0/pocc <command>`. Running a node for real is described in
        [running a node](running-a-node.md); the HTTP API the client commands use is in [the API reference](api.md).

        ## Common tasks

        ```sh
        # Everything at once, locally: a validator, 1,000 funded accounts sending transfers, two workers (one of them
        # corrupting a fifth of its results on purpose) and a matmul workload. Ctrl-C stops it and prints a summary.
        scripts/devnet.sh                                   # the same as: pocc devnet
        pocc devnet --duration 60 --home ./devnet --summary devnet.json   # keep the chain, stop after 60 s, save the summary

        # A node of your own. The home is --home, else $POCC_HOME, else ~/.pocc.
        pocc init --chain-id my-chain                       # validator key (mode 0600), genesis.json, config.json
        pocc node run                                       # prints "api: …" and "dashboard: …"; Ctrl-C or SIGTERM stops it
        pocc query status

        # Keys and tokens. Commands that sign use the home's validator key unless --key names another key file.
        pocc keys new --out worker.json
        pocc keys show --key worker.json                    # its address (the seed is never printed)
        pocc tx transfer --to pocc1… --amount 100000000 --wait
        pocc query account pocc1…

        # The compute market.
        pocc worker run --key worker.json                   # registers (stake 10000000) and computes its assigned tasks until stopped
        pocc task submit matmul --n 256 --dtype mod61 --fee 100000 --wait
        pocc task status 1
        pocc task verify 1                                  # re-derives the challenge seed and runs Freivalds here
        pocc task result 1 --out c.pmat                     # the verified product, checked against its committed root
        ```

        Commands that talk to a node use `--node URL`, else `$POCC_NODE`, else `http://127.0.0.1:26657`.

        ## Exit codes and errors

        A failure prints one line, `error: <message>`, on standard error; when a node refused the request the message
        starts with the node's stable error code (e.g. `error: tx.nonce_gap: …`, see
        [the API's error codes](api.md#error-codes)).

        | code | meaning |
        |---|---|
        | 0 | success |
        | 1 | bad input, or the node refused the request; `pocc devnet` also exits 1 if supply was not conserved or an invalid result was settled |
        | 2 | the node could not be reached or did not answer in time |
        | 3 | the node has no such thing (an HTTP 404) |
        | 4 | `task submit --wait`: the task closed without being settled; `task result`: the result is not verified (see `--unverified`); `task verify`: no committed result, or the local check rejects a result the chain has not judged |
        | 5 | `task verify`: the local check disagrees with the chain's verdict, or the node's challenge seed is not the one derived from the beacon of the block after the commitment |

        """;
}
