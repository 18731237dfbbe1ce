using System.CommandLine;
using System.Globalization;
using Pocc.Cli.Common;
using Pocc.Core.Addressing;
using Pocc.Core.Crypto;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Transactions;

namespace Pocc.Cli.Commands;

/// <summary><c>pocc tx transfer|bond|unbond</c>: sign a transaction locally and submit it to a node.</summary>
public static class TxCommand
{
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

        return new Command("tx", "Sign and submit transactions") { transfer, bond, unbond, addStake, withdrawStake };
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
        command.SetAction(async (result, cancellationToken) =>
        {
            using var signer = KeysCommand.LoadKey(result.GetValue(key), result.GetValue(home)!);
            using var client = new NodeHttpClient(result.GetValue(node)!);
            var status = await client.GetAsync("/v1/status", cancellationToken).ConfigureAwait(false);
            var chainId = new ChainId(status["chain_id"]!.GetValue<string>());
            ulong nextNonce = result.GetValue(nonce) ?? (await client.GetAsync($"/v1/accounts/{signer.Address}", cancellationToken).ConfigureAwait(false))["nonce"]!.GetValue<ulong>();
            var tx = new Transaction(chainId, signer.PublicKey, nextNonce, new Amount(result.GetValue(fee)), payload(result, signer)).Sign(signer);
            var submitted = await client.PostJsonAsync("/v1/transactions", new { tx = Convert.ToHexStringLower(tx.Encoded) }, cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"submitted {submitted["hash"]} (nonce {nextNonce})");
            if (result.GetValue(wait))
            {
                await WaitForFinalityAsync(client, tx, cancellationToken).ConfigureAwait(false);
            }
            return 0;
        });
        return command;
    }

    private static async Task WaitForFinalityAsync(NodeHttpClient client, SignedTransaction tx, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var lookup = await client.GetAsync($"/v1/transactions/{tx.Hash}", cancellationToken).ConfigureAwait(false);
                if (lookup["status"]?.GetValue<string>() == "finalized")
                {
                    Console.WriteLine($"finalized at height {lookup["height"]!.GetValue<ulong>().ToString(CultureInfo.InvariantCulture)}");
                    return;
                }
            }
            catch (CliException e) when (e.ExitCode == 3)
            {
                throw new CliException($"transaction {tx.Hash} was dropped by the node (neither pending nor finalized)");
            }
            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }
        throw new CliException($"transaction {tx.Hash} was not finalized within 60 s");
    }
}
