using System.CommandLine;
using System.Globalization;
using Pocc.Cli.Common;
using Pocc.Client;
using Pocc.Client.Tasks;
using Pocc.Client.Transactions;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tasks;

namespace Pocc.Cli.Commands;

/// <summary>
/// What every <c>task submit</c> command shares: the worker's deadline, the posting transaction's fee, the signing key,
/// the node, and following the task to its outcome.
/// </summary>
internal sealed class TaskPostingOptions
{
    public Option<uint> Deadline { get; } = new("--deadline-blocks")
    {
        Description = "Blocks the assigned worker has to commit a result",
        DefaultValueFactory = _ => MatmulTaskOptions.DefaultDeadlineBlocks,
    };

    public Option<ulong> TxFee { get; } = new("--tx-fee") { Description = "Fee of the posting transaction", DefaultValueFactory = _ => 10 };

    public Option<string?> Key { get; } = KeysCommand.KeyOption();

    public Option<string> Home { get; } = CommonOptions.Home();

    public Option<string> Node { get; } = CommonOptions.Node();

    public Option<bool> Wait { get; } = new("--wait") { Description = "Follow the task until it is settled, rejected or expired; exit 0 if settled, 4 if not" };

    public Option<int> Timeout { get; } = new("--timeout") { Description = "Seconds --wait waits at most", DefaultValueFactory = _ => 600 };

    public IEnumerable<Option> All => [Deadline, TxFee, Key, Home, Node, Wait, Timeout];

    /// <summary>The deadline, checked against the ledger's bounds.</summary>
    public uint DeadlineBlocks(ParseResult result)
    {
        uint blocks = result.GetValue(Deadline);
        return blocks is >= 1 and <= 100_000 ? blocks : throw new CliException("--deadline-blocks must be between 1 and 100000");
    }

    /// <summary>Posts <paramref name="spec"/> signed by <paramref name="signer"/>, prints the posted line, and follows the task if asked.</summary>
    public async Task<int> PostAsync(ParseResult result, PoccClient client, Core.Crypto.KeyPair signer, TaskSpec spec, Amount fee, string describe,
        CancellationToken cancellationToken)
    {
        var output = result.InvocationConfiguration.Output;
        using var submitter = new TransactionSubmitter(client, signer, new Amount(result.GetValue(TxFee)));
        var posted = await TaskCommand.PostAsync(submitter, spec, fee, cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"task {posted.Id} posted at height {posted.Height} (transaction {posted.Transaction.Hash}; {describe})")).ConfigureAwait(false);
        if (!result.GetValue(Wait))
        {
            return 0;
        }
        return await TaskCommand.FollowAsync(client, posted.Id, TimeSpan.FromSeconds(result.GetValue(Timeout)), output, cancellationToken).ConfigureAwait(false);
    }
}
