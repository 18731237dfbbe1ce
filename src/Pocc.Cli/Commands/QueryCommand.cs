using System.CommandLine;
using System.Text.Json;
using Pocc.Cli.Common;

namespace Pocc.Cli.Commands;

/// <summary><c>pocc query account|block|tx</c>: read from a node and print the JSON it returns.</summary>
public static class QueryCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create()
    {
        var address = new Argument<string>("address") { Description = "Account address (pocc1...)" };
        var block = new Argument<string>("id") { Description = "Block height, hash, or 'latest'" };
        var full = new Option<bool>("--full") { Description = "Include transaction bodies" };
        var tx = new Argument<string>("hash") { Description = "Transaction id (64 hex characters)" };
        return new Command("query", "Query a node")
        {
            Query(new Command("account", "An account with its Merkle proof against the state root") { address }, r => $"/v1/accounts/{Uri.EscapeDataString(r.GetValue(address)!)}"),
            Query(new Command("block", "A block with its commit") { block, full }, r => $"/v1/blocks/{Uri.EscapeDataString(r.GetValue(block)!)}?full={(r.GetValue(full) ? "true" : "false")}"),
            Query(new Command("tx", "A transaction with its inclusion proof") { tx }, r => $"/v1/transactions/{Uri.EscapeDataString(r.GetValue(tx)!)}"),
            Query(new Command("status", "The node's status"), _ => "/v1/status"),
        };
    }

    private static Command Query(Command command, Func<ParseResult, string> path)
    {
        var node = CommonOptions.Node();
        command.Options.Add(node);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var client = new NodeHttpClient(result.GetValue(node)!);
            var json = await client.GetAsync(path(result), cancellationToken).ConfigureAwait(false);
            Console.WriteLine(json.ToJsonString(Indented));
            return 0;
        });
        return command;
    }
}
