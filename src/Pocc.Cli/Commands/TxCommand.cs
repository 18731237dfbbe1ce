using System.CommandLine;
using System.Globalization;
using Pocc.Cli.Common;
using Pocc.Client;
using Pocc.Client.Models;
using Pocc.Core.Addressing;
using Pocc.Core.Crypto;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Transactions;

namespace Pocc.Cli.Commands;

/// <summary><c>pocc tx transfer|bond|unbond|unjail|...</c>: sign a transaction locally and submit it to a node.</summary>
public static class TxCommand
{
    /// <summary>How long --wait waits for a transaction to be finalized, and <c>task submit</c> for its posting.</summary>
    internal static readonly TimeSpan FinalityTimeout = TimeSpan.FromSeconds(60);

    public static Command Create()
    {
        var to = new Option<string>("--to") { Description = "Recipient address (pocc1...)", Required = true };
        var transferAmount = AmountOption();
        var transfer = WithCommonOptions(new Command("transfer", "Send tokens to another address") { to, transferAmount }, (result, _) =>
        {
            Address recipient;
            try
            {
                recipient = Address.Parse(result.GetValue(to)!);
            }
            catch (FormatException e)
            {
                throw new CliException($"--to: {e.Message}");
            }
            return new Transfer(recipient, new Amount(result.GetValue(transferAmount)));
        });

        var bondAmount = AmountOption();
        var bond = WithCommonOptions(new Command("bond", "Bond tokens from your balance as stake") { bondAmount },
            (result, _) => new Bond(new Amount(result.GetValue(bondAmount))));

        var unbondAmount = AmountOption();
        var unbond = WithCommonOptions(new Command("unbond", "Start unbonding stake; it returns to the balance after the unbonding period") { unbondAmount },
            (result, _) => new Unbond(new Amount(result.GetValue(unbondAmount))));

        var addStakeAmount = AmountOption();
        var addStake = WithCommonOptions(new Command("add-worker-stake", "Add tokens from your balance to your worker stake") { addStakeAmount },
            (result, _) => new Ledger.Tasks.AddWorkerStake(new Amount(result.GetValue(addStakeAmount))));

        var withdrawStakeAmount = AmountOption();
        var withdrawStake = WithCommonOptions(new Command("withdraw-worker-stake", "Withdraw worker stake (no task in hand); it returns to the balance after the unbonding period") { withdrawStakeAmount },
            (result, _) => new Ledger.Tasks.WithdrawWorkerStake(new Amount(result.GetValue(withdrawStakeAmount))));

        var unjail = WithCommonOptions(new Command("unjail", "Return your jailed validator to the set once jail_blocks have passed since it was jailed (still bonded at least the validator minimum)"),
            (_, _) => new Ledger.Consensus.Unjail());

        return new Command("tx", "Sign and submit transactions") { transfer, bond, unbond, addStake, withdrawStake, unjail };
    }

    private static Option<ulong> AmountOption() => new("--amount") { Description = "Amount in base units", Required = true };

    private static Command WithCommonOptions(Command command, Func<ParseResult, KeyPair, TransactionPayload> payload)
    {
        var fee = new Option<ulong>("--fee") { Description = "Fee in base units", DefaultValueFactory = _ => 10 };
        var nonce = new Option<ulong?>("--nonce") { Description = "Nonce (default: the account's next nonce, asked from the node)" };
        var key = KeysCommand.KeyOption();
        var home = CommonOptions.Home();
        var node = CommonOptions.Node();
        var wait = new Option<bool>("--wait") { Description = "Wait until the transaction is finalized" };
        command.Options.Add(fee);
        command.Options.Add(nonce);
        command.Options.Add(key);
        command.Options.Add(home);
        command.Options.Add(node);
        command.Options.Add(wait);
        command.SetAction(NodeClient.Action(async (result, cancellationToken) =>
        {
            using var signer = KeysCommand.LoadKey(result.GetValue(key), result.GetValue(home)!);
            using var client = NodeClient.Connect(result.GetValue(node)!);
            var chainId = new ChainId((await client.GetStatusAsync(cancellationToken).ConfigureAwait(false)).ChainId);
            ulong nextNonce = result.GetValue(nonce) ?? (await client.GetAccountAsync(signer.Address, cancellationToken).ConfigureAwait(false)).Nonce;
            var tx = new Transaction(chainId, signer.PublicKey, nextNonce, new Amount(result.GetValue(fee)), payload(result, signer)).Sign(signer);
            var submitted = await client.SubmitTransactionAsync(tx, cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"submitted {submitted.Hash} (nonce {nextNonce})");
            if (result.GetValue(wait))
            {
                var finalized = await WaitForFinalityAsync(client, tx, cancellationToken).ConfigureAwait(false);
                Console.WriteLine($"finalized at height {finalized.Height?.ToString(CultureInfo.InvariantCulture)}");
            }
            return 0;
        }));
        return command;
    }

    /// <summary>Waits at most <see cref="FinalityTimeout"/> for <paramref name="tx"/> to be finalized.</summary>
    private static async Task<TransactionLookupModel> WaitForFinalityAsync(PoccClient client, SignedTransaction tx, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(FinalityTimeout);
        try
        {
            return await client.WaitForTransactionAsync(tx.Hash, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException(string.Create(CultureInfo.InvariantCulture, $"transaction {tx.Hash} was not finalized within {FinalityTimeout.TotalSeconds:F0} s"));
        }
    }
}
