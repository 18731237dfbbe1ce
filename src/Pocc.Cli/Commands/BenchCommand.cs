using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pocc.Cli.Bench;
using Pocc.Cli.Common;
using Pocc.Compute.Matmul;
using Pocc.Core.Matrices;

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
        return new Command("bench", "Benchmarks") { ledger, Matmul() };
    }

    /// <summary>
    /// <c>pocc bench matmul</c>: n×n·n×n products per size and dtype with the worker's executor, against OpenBLAS dgemm
    /// and the Freivalds check of the same product, all measured in one run.
    /// </summary>
    private static Command Matmul()
    {
        var json = CommonOptions.Json();
        var sizes = new Option<string>("--n") { Description = "Matrix sizes, comma-separated", DefaultValueFactory = _ => "512,1024,2048" };
        var dtypes = new Option<string>("--dtype") { Description = "Element types, comma-separated: f64, mod61", DefaultValueFactory = _ => "f64,mod61" };
        var repetitions = new Option<int>("--repetitions") { Description = "Timed runs per figure (the median is reported), after a warm-up", DefaultValueFactory = _ => 3 };
        var noManaged = new Option<bool>("--no-managed") { Description = "Skip timing the managed f64 fallback kernel" };
        var matmul = new Command("matmul", "Matrix-multiply rates of the worker's executor against OpenBLAS, and the cost of verifying the product")
        {
            json, sizes, dtypes, repetitions, noManaged,
        };
        matmul.SetAction((result, cancellationToken) =>
        {
            var ns = ParseList(result.GetValue(sizes)!, "--n", text =>
                int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n is >= 1 and <= 16_384 ? n : throw new CliException($"--n: '{text}' is not a size between 1 and 16384"));
            var types = ParseList(result.GetValue(dtypes)!, "--dtype", text => text switch
            {
                "f64" => MatrixElementType.Float64,
                "mod61" => MatrixElementType.Mod61,
                _ => throw new CliException($"--dtype: '{text}' is not f64 or mod61"),
            });
            int runs = result.GetValue(repetitions);
            if (runs is < 1 or > 100)
            {
                throw new CliException("--repetitions must be between 1 and 100");
            }
            var output = result.InvocationConfiguration.Output;
            var rows = new JsonArray();
            foreach (int n in ns)
            {
                foreach (var type in types)
                {
                    var figures = MatmulBenchmark.Run(n, type, runs, !result.GetValue(noManaged), cancellationToken);
                    var row = JsonSerializer.SerializeToNode(figures)!.AsObject();
                    // "gflops" is the headline figure; the record calls it executor_gflops.
                    row.Insert(2, "gflops", figures.ExecutorGflops);
                    rows.Add(row);
                    if (!result.GetValue(json))
                    {
                        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"n={n,5} {figures.Dtype,-5} {figures.Kernel,-14} {figures.ExecutorGflops,8:F2} GFLOP/s {(figures.RatioToOpenBlas is { } ratio ? $"({ratio:P0} of OpenBLAS {figures.OpenBlasGflops:F2})" : "(no OpenBLAS)"),-32} compute {figures.ComputeMs,10:F2} ms, verify {figures.VerifyMs,8:F3} ms ({figures.VerifyToCompute:P2} of compute, {figures.SoundnessBits} bits)"));
                    }
                }
            }
            if (result.GetValue(json))
            {
                output.WriteLine(rows.ToJsonString(IndentedJson));
            }
            else
            {
                output.WriteLine(MatmulExecutor.CreateDefault().Description);
            }
            return Task.FromResult(0);
        });
        return matmul;
    }

    private static List<T> ParseList<T>(string text, string option, Func<string, T> parse)
    {
        var items = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(parse).Distinct().ToList();
        return items.Count == 0 ? throw new CliException($"{option} needs at least one value") : items;
    }
}
