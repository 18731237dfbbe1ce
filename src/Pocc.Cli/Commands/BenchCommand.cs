using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Pocc.Cli.Bench;
using Pocc.Cli.Common;

namespace Pocc.Cli.Commands;

/// <summary><c>pocc bench ...</c>: end-to-end throughput figures, each with a baseline measured in the same run.</summary>
public static class BenchCommand
{
    private static readonly JsonSerializerOptions IndentedJson = new() { WriteIndented = true };

    public static Command Create()
    {
        var json = CommonOptions.Json();
        var transactions = new Option<int>("--transactions") { Description = "Signed transfers to push through", DefaultValueFactory = _ => 100_000 };
        var accounts = new Option<int>("--accounts") { Description = "Sending accounts", DefaultValueFactory = _ => 2_000 };
        var ledger = new Command("ledger", "Signed transfers verified + applied + persisted per second, against the Ed25519 verify rate") { json, transactions, accounts };
        ledger.SetAction(result =>
        {
            int count = result.GetValue(transactions);
            int senders = result.GetValue(accounts);
            if (count < 1_000 || senders < 2 || senders > count)
            {
                throw new CliException("--transactions must be at least 1000 and --accounts between 2 and --transactions");
            }
            var figures = LedgerBenchmark.Run(count, senders);
            if (result.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(figures, IndentedJson));
            }
            else
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{figures.Transactions} transfers in {figures.Blocks} blocks, {figures.Seconds} s: {figures.TxPerSecond:F0} tx/s = {figures.TxPerSecondVsEd25519Verify:P1} of {figures.Ed25519VerifyPerSecond:F0} Ed25519 verifications/s ({figures.Cores} cores; one core: {figures.Ed25519VerifyPerSecondOneCore:F0}/s)"));
            }
            return 0;
        });
        return new Command("bench", "Benchmarks") { ledger };
    }
}
