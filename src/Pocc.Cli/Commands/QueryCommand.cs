using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Pocc.Cli.Common;
using Pocc.Client;
using Pocc.Core.Addressing;
using Pocc.Core.Hashing;

namespace Pocc.Cli.Commands;

/// <summary><c>pocc query account|block|tx|status</c>: read from a node and print what it returns as JSON.</summary>
public static class QueryCommand
{
    public static Command Create()
    {
        var address = new Argument<string>("address") { Description = "Account address (pocc1...)" };
        var block = new Argument<string>("id") { Description = "Block height, hash, or 'latest'" };
        var full = new Option<bool>("--full") { Description = "Include transaction bodies" };
        var tx = new Argument<string>("hash") { Description = "Transaction id (64 hex characters)" };
        return new Command("query", "Query a node")
        {
            Query(new Command("account", "An account with its Merkle proof against the state root") { address },
                async (client, r, ct) => await client.GetAccountAsync(ParseAddress(r.GetValue(address)!), ct).ConfigureAwait(false)),
            Query(new Command("block", "A block with its commit") { block, full },
                async (client, r, ct) => await GetBlockAsync(client, r.GetValue(block)!, r.GetValue(full), ct).ConfigureAwait(false)),
            Query(new Command("tx", "A transaction with its inclusion proof") { tx },
                async (client, r, ct) => await client.GetTransactionAsync(ParseId(r.GetValue(tx)!, "a transaction id is 64 hexadecimal characters"), ct).ConfigureAwait(false)),
            Query(new Command("status", "The node's status"), async (client, _, ct) => await client.GetStatusAsync(ct).ConfigureAwait(false)),
        };
    }

    private static Command Query(Command command, Func<PoccClient, ParseResult, CancellationToken, Task<object>> query)
    {
        var node = CommonOptions.Node();
        command.Options.Add(node);
        command.SetAction(NodeClient.Action(async (result, cancellationToken) =>
        {
            using var client = NodeClient.Connect(result.GetValue(node)!);
            var answer = await query(client, result, cancellationToken).ConfigureAwait(false);
            Console.WriteLine(JsonSerializer.Serialize(answer, answer.GetType(), PoccJson.Indented));
            return 0;
        }));
        return command;
    }

    private static Task<Client.Models.BlockModel> GetBlockAsync(PoccClient client, string id, bool full, CancellationToken cancellationToken)
    {
        if (id == "latest")
        {
            return client.GetLatestBlockAsync(full, cancellationToken);
        }
        if (id.Length <= 20 && ulong.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var height))
        {
            return client.GetBlockAsync(height, full, cancellationToken);
        }
        return client.GetBlockAsync(ParseId(id, "a block id is a height, a 64-hex-character hash, or 'latest'"), full, cancellationToken);
    }

    /// <summary>An address given on the command line; a malformed one fails here, with the code the node would answer.</summary>
    private static Address ParseAddress(string text) =>
        Address.TryParse(text, out var address)
            ? address
            : throw new CliException($"{ApiErrorCodes.InvalidAddress}: '{text}' is not a valid pocc address (bech32m, prefix 'pocc')", code: ApiErrorCodes.InvalidAddress);

    private static Hash32 ParseId(string text, string expected) =>
        Hash32.TryParse(text, out var hash) ? hash : throw new CliException($"{ApiErrorCodes.InvalidId}: {expected}", code: ApiErrorCodes.InvalidId);
}
