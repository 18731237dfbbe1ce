using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pocc.Cli.Bench;
using Pocc.Cli.Common;
using Pocc.Compute.Matmul;
using Pocc.Core.Matrices;
using Pocc.Proofs.Stark;
using Pocc.Proofs.Stark.Benchmarks;

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
        return new Command("bench", "Benchmarks") { ledger, Matmul(), Stark(), Consensus() };
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

    /// <summary>
    /// <c>pocc bench stark</c>: STARK proving and verification per AIR and trace length, against the native computation
    /// the proof stands for, all measured in one run.
    /// </summary>
    private static Command Stark()
    {
        var json = CommonOptions.Json();
        var logNs = new Option<string>("--log-n") { Description = $"log2 of the trace lengths, comma-separated, each in [{StarkBenchmark.MinLogN}, {StarkBenchmark.MaxLogN}]", DefaultValueFactory = _ => "16,18,20" };
        var airs = new Option<string>("--air") { Description = $"AIRs, comma-separated: {string.Join(", ", StarkBenchmark.AirNames)}", DefaultValueFactory = _ => string.Join(',', StarkBenchmark.AirNames) };
        var securityBits = new Option<int>("--security-bits") { Description = "Conjectured security of the parameters (StarkParameters.ForSecurity)", DefaultValueFactory = _ => StarkParameters.DefaultSecurityBits };
        var repetitions = new Option<int>("--repetitions") { Description = "Timed proofs per row (the median is reported), after a warm-up on small proofs", DefaultValueFactory = _ => 1 };
        var stark = new Command("stark", "STARK prove and verify times and proof sizes per AIR and trace length, against the native computation")
        {
            json, logNs, airs, securityBits, repetitions,
        };
        stark.SetAction((result, cancellationToken) =>
        {
            var sizes = ParseList(result.GetValue(logNs)!, "--log-n", text =>
                int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int logN) && logN is >= StarkBenchmark.MinLogN and <= StarkBenchmark.MaxLogN
                    ? logN
                    : throw new CliException($"--log-n: '{text}' is not a log2 trace length between {StarkBenchmark.MinLogN} and {StarkBenchmark.MaxLogN}"));
            var names = ParseList(result.GetValue(airs)!, "--air", text => StarkBenchmark.AirNames.Contains(text)
                ? text
                : throw new CliException($"--air: '{text}' is not one of {string.Join(", ", StarkBenchmark.AirNames)}"));
            int bits = result.GetValue(securityBits);
            if (bits is < StarkParameters.MinimumSecurityBits or > 127)
            {
                throw new CliException($"--security-bits must be between {StarkParameters.MinimumSecurityBits} and 127");
            }
            foreach (int logN in sizes)
            {
                if (StarkParameters.MaxStandardSecurityBits(logN) < bits)
                {
                    throw new CliException($"--security-bits {bits} is out of reach at --log-n {logN}: the standard parameters give at most {StarkParameters.MaxStandardSecurityBits(logN)} bits there");
                }
            }
            int runs = result.GetValue(repetitions);
            if (runs is < 1 or > 100)
            {
                throw new CliException("--repetitions must be between 1 and 100");
            }
            var output = result.InvocationConfiguration.Output;
            var rows = new List<StarkBenchmarkResult>();
            foreach (string air in names)
            {
                foreach (int logN in sizes)
                {
                    var figures = StarkBenchmark.Run(air, logN, bits, runs, cancellationToken);
                    rows.Add(figures);
                    if (!result.GetValue(json))
                    {
                        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"{figures.Air,-17} 2^{figures.LogN,-2} rows: prove {figures.ProveMs,10:F1} ms ({figures.ProveCpuMs,8:F0} ms CPU), verify {figures.VerifyMs,7:F2} ms, proof {figures.ProofBytes / 1024.0,7:F1} KiB, {figures.SecurityBits} bits; native {figures.NativeMs,9:F3} ms (prove ×{figures.ProverOverhead:F0}, verify ×{figures.VerifyVsNative:F3})"));
                    }
                }
            }
            if (result.GetValue(json))
            {
                output.WriteLine(JsonSerializer.Serialize(rows, IndentedJson));
            }
            else
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{rows[0].Queries} queries, blowup {rows[0].Blowup}, folding {rows[0].FoldingFactor}, {rows[0].GrindingBits} grinding bits, {rows[0].Cores} cores"));
            }
            return Task.FromResult(0);
        });
        return stark;
    }

    /// <summary>
    /// <c>pocc bench consensus</c>: finality latency and throughput of N BFT validators on loopback TCP under an
    /// open-loop transfer load, against one validator under the same load in the same run.
    /// </summary>
    private static Command Consensus()
    {
        var json = CommonOptions.Json();
        var validators = new Option<int>("--validators") { Description = "Validators in the cluster, each with its own chain, WAL and TCP endpoint", DefaultValueFactory = _ => 4 };
        var rate = new Option<int>("--rate") { Description = "Offered load in transfers per second (open loop: offered on schedule whether or not the cluster keeps up)", DefaultValueFactory = _ => 5_000 };
        var duration = new Option<int>("--duration") { Description = "Seconds measured, after the warm-up", DefaultValueFactory = _ => 10 };
        var warmup = new Option<int>("--warmup") { Description = "Seconds of load before measuring", DefaultValueFactory = _ => 2 };
        var accounts = new Option<int>("--accounts") { Description = "Funded sending accounts", DefaultValueFactory = _ => 2_000 };
        var findRate = new Option<bool>("--find-rate") { Description = "Search up to --rate for the highest rate the cluster sustains (all finalized, p50 finality ≤ 1 s), then report the figures at it" };
        var consensus = new Command("consensus", "Finality p50/p90/p99 and tx/s of N validators over loopback TCP, against one validator under the same load")
        {
            json, validators, rate, duration, warmup, accounts, findRate,
        };
        consensus.SetAction(async (result, cancellationToken) =>
        {
            var settings = new ConsensusBenchmarkSettings(result.GetValue(validators), result.GetValue(rate),
                TimeSpan.FromSeconds(result.GetValue(duration)), TimeSpan.FromSeconds(result.GetValue(warmup)), result.GetValue(accounts));
            if (settings.Validators is < 1 or > 16)
            {
                throw new CliException("--validators must be between 1 and 16");
            }
            if (settings.Rate is < 1 or > 200_000)
            {
                throw new CliException("--rate must be between 1 and 200000 transfers per second");
            }
            if (settings.Duration.TotalSeconds is < 1 or > 600 || settings.Warmup.TotalSeconds is < 0 or > 60)
            {
                throw new CliException("--duration must be between 1 and 600 seconds and --warmup between 0 and 60");
            }
            if (settings.Accounts is < 2 or > 1_000_000)
            {
                throw new CliException("--accounts must be between 2 and 1000000");
            }
            var figures = result.GetValue(findRate)
                ? await ConsensusBenchmark.FindSustainableRateAsync(settings, cancellationToken)
                    ?? throw new CliException($"{settings.Validators} validators sustain none of the rates probed up to {settings.Rate} tx/s")
                : await ConsensusBenchmark.RunAsync(settings, cancellationToken);
            var output = result.InvocationConfiguration.Output;
            if (result.GetValue(json))
            {
                output.WriteLine(JsonSerializer.Serialize(figures, IndentedJson));
            }
            else
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{figures.Validators} validators, {figures.OfferedRate} tx/s offered for {figures.DurationSeconds} s (after {figures.WarmupSeconds} s warm-up): {figures.TxPerSecond:F0} tx/s committed in {figures.Blocks} blocks ({figures.RoundsAboveZero} decided after round 0), finality p50 {figures.FinalityMsP50} ms, p90 {figures.FinalityMsP90} ms, p99 {figures.FinalityMsP99} ms, {figures.Unfinalized} offered in the window not finalized, {figures.RefusedFull} admissions refused as the pools were full"));
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"1 validator, same load: {figures.BaselineTxPerSecond:F0} tx/s in {figures.BaselineBlocks} blocks, finality p50 {figures.BaselineFinalityMsP50} ms, p99 {figures.BaselineFinalityMsP99} ms; ratio {figures.Ratio:F2} ({figures.Cores} cores, {figures.CpuCoresUsed:F2} used by the cluster; load average {figures.LoadAverage?.ToString(CultureInfo.InvariantCulture) ?? "unknown"})"));
                if (figures.RatesProbed is { } probed)
                {
                    output.WriteLine($"Sustainable rate found by probing {string.Join(", ", probed)} tx/s: {figures.OfferedRate} tx/s");
                }
                output.WriteLine(figures.Notes);
            }
            return 0;
        });
        return consensus;
    }

    private static List<T> ParseList<T>(string text, string option, Func<string, T> parse)
    {
        var items = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(parse).Distinct().ToList();
        return items.Count == 0 ? throw new CliException($"{option} needs at least one value") : items;
    }
}
