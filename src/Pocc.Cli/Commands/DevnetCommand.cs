using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Pocc.Cli.Bench;
using Pocc.Client.Models;
using Pocc.Cli.Common;
using Pocc.Proofs.Stark.Tasks;
using Pocc.Cli.Devnet;
using Pocc.Cli.Workers;
using Pocc.Compute.Matmul;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tasks;
using Pocc.Node.Verification;
using Pocc.Storage.Blobs;
using System.Collections.Concurrent;
using Pocc.Consensus.Engine;
using Pocc.Core.Crypto;
using Pocc.Ledger.Chain;
using Pocc.Ledger.Genesis;
using Pocc.Ledger.Mempool;
using Pocc.Node.Hosting;
using Pocc.Node.Telemetry;

namespace Pocc.Cli.Commands;

/// <summary>
/// <c>pocc devnet</c>: a one-command local chain. Creates (or resumes) a home, starts a validator node with
/// funded accounts and a built-in load of signed transfers, shows live progress, and on Ctrl-C, SIGTERM or
/// --duration stops cleanly and prints a summary.
/// </summary>
public static class DevnetCommand
{
    private static readonly JsonSerializerOptions IndentedJson = new() { WriteIndented = true };

    public static Command Create()
    {
        var duration = new Option<double?>("--duration") { Description = "Stop by itself after this many seconds" };
        var home = new Option<string?>("--home") { Description = "Keep the devnet in this directory; a later run with the same home resumes from the stored height" };
        var summary = new Option<string?>("--summary") { Description = "Also write the summary as JSON to this file" };
        var accounts = new Option<int>("--accounts") { Description = "Funded accounts sending the load (new homes only)", DefaultValueFactory = _ => 1_000 };
        var rate = new Option<double>("--rate") { Description = "Target transfers per second (0: as fast as the node finalizes them)", DefaultValueFactory = _ => 0 };
        var noLoad = new Option<bool>("--no-load") { Description = "Run the chain without the built-in load" };
        var apiUrl = new Option<string>("--api-url") { Description = "Where the node's HTTP API listens", DefaultValueFactory = _ => CommonOptions.DefaultNodeUrl };
        var interval = new Option<int>("--block-interval-ms") { Description = "Milliseconds between blocks", DefaultValueFactory = _ => 250 };
        var workers = new Option<int>("--workers") { Description = $"Workers computing the matmul workload (0 to {DevnetAccounts.MaxWorkers}); the first is faulty with --faulty-rate", DefaultValueFactory = _ => 2 };
        var faultyRate = new Option<double>("--faulty-rate") { Description = "Fraction of the first worker's results corrupted on purpose (each must be caught and slashed)", DefaultValueFactory = _ => 0.2 };
        var taskN = new Option<int>("--task-n") { Description = "Matrix size n of the workload's n×n×n products (large enough that computing, not moving data, dominates)", DefaultValueFactory = _ => 1536 };
        var taskDtype = new Option<string>("--task-dtype") { Description = "mod61 (exact) or f64", DefaultValueFactory = _ => "mod61" };
        taskDtype.AcceptOnlyFromAmong("mod61", "f64");
        var starkSteps = new Option<int>("--stark-steps")
        {
            Description = $"Steps of the workload's STARK tasks, one task in {TaskWorkload.StarkEvery} (alternately a permutation chain and a matrix recurrence, proven at 96 bits); 0: products only",
            DefaultValueFactory = _ => 16_383,
        };
        var validators = new Option<int>("--validators")
        {
            Description = $"Validators (1 to {DevnetValidators.MaxValidators}); above 1 each runs as its own `pocc node run` process and the devnet follows them with a non-voting node",
            DefaultValueFactory = _ => 4,
        };
        var chaos = new Option<bool>("--chaos") { Description = "Kill a random validator (SIGKILL) every few seconds and restart it 1-3 s later; at most f = (N-1)/3 down at once (needs 4 or more validators)" };
        var chaosInterval = new Option<double>("--chaos-interval") { Description = "Mean seconds between chaos kills (each interval randomized by ±50 %)", DefaultValueFactory = _ => 5 };
        var chaosSeed = new Option<int>("--chaos-seed") { Description = "Seed of the chaos schedule (which validator, when, for how long)", DefaultValueFactory = _ => 1 };
        var command = new Command("devnet", "Run a local devnet (4 validator processes by default) with a transfer load, workers and a matmul workload")
        {
            duration, home, summary, accounts, rate, noLoad, apiUrl, interval, workers, faultyRate, taskN, taskDtype, starkSteps, validators, chaos, chaosInterval, chaosSeed,
        };
        command.SetAction(async (result, _) =>
        {
            if (result.GetValue(duration) is <= 0)
            {
                throw new CliException("--duration must be positive");
            }
            if (result.GetValue(accounts) is < 2 or > 100_000)
            {
                throw new CliException("--accounts must be between 2 and 100000");
            }
            if (result.GetValue(workers) is < 0 or > DevnetAccounts.MaxWorkers)
            {
                throw new CliException($"--workers must be between 0 and {DevnetAccounts.MaxWorkers}");
            }
            if (result.GetValue(faultyRate) is < 0 or > 1 || result.GetValue(taskN) is < 1 or > 4096)
            {
                throw new CliException("--faulty-rate must be between 0 and 1 and --task-n between 1 and 4096");
            }
            if (result.GetValue(starkSteps) is not 0 and (< StarkComputations.MinSteps or > StarkComputations.MaxSteps))
            {
                throw new CliException($"--stark-steps must be 0 or between {StarkComputations.MinSteps} and {StarkComputations.MaxSteps}");
            }
            if (result.GetValue(validators) is < 1 or > DevnetValidators.MaxValidators)
            {
                throw new CliException($"--validators must be between 1 and {DevnetValidators.MaxValidators}");
            }
            if (result.GetValue(chaos) && result.GetValue(validators) < 4)
            {
                throw new CliException("--chaos needs at least 4 validators: with fewer, one down stops finality (f = (N-1)/3 = 0)");
            }
            if (result.GetValue(chaosInterval) is < 1 or > 3_600)
            {
                throw new CliException("--chaos-interval must be between 1 and 3600 seconds");
            }
            int workerCount = result.GetValue(workers);
            // With workers the machine's cores go to the compute market, and several validators on two cores cannot take
            // an unbounded load: either way the transfer load runs at a modest default rate.
            double transferRate = result.GetResult(rate) is not { Implicit: false } && (workerCount > 0 || result.GetValue(validators) > 1) ? 200 : result.GetValue(rate);
            return await RunAsync(new DevnetSettings(
                result.GetValue(home), result.GetValue(duration), result.GetValue(summary), result.GetValue(accounts),
                transferRate, !result.GetValue(noLoad), result.GetValue(apiUrl)!, result.GetValue(interval),
                workerCount, result.GetValue(faultyRate), (uint)result.GetValue(taskN),
                result.GetValue(taskDtype) == "f64" ? TaskKind.MatmulFloat64 : TaskKind.MatmulMod61, (uint)result.GetValue(starkSteps),
                result.GetValue(validators), result.GetValue(chaos) ? result.GetValue(chaosInterval) : null, result.GetValue(chaosSeed))).ConfigureAwait(false);
        });
        return command;
    }

    private sealed record DevnetSettings(string? Home, double? DurationSeconds, string? SummaryFile, int Accounts, double Rate, bool Load, string ApiUrl, int BlockIntervalMs,
        int Workers, double FaultyRate, uint TaskN, TaskKind TaskKind, uint StarkSteps, int Validators, double? ChaosIntervalSeconds, int ChaosSeed);

    private static async Task<int> RunAsync(DevnetSettings settings)
    {
        var homePath = settings.Home ?? Directory.CreateTempSubdirectory("pocc-devnet-").FullName;
        var home = new NodeHome(homePath);
        bool resumed = home.IsInitialized;
        if (resumed)
        {
            DevnetValidators.CheckResumable(home, settings.Validators);
        }
        else if (settings.Validators > 1)
        {
            Console.WriteLine($"creating devnet home {home.Path} with {settings.Validators} validators and {settings.Accounts} funded accounts");
            DevnetValidators.Create(home, settings.Validators, settings.Accounts, settings.BlockIntervalMs);
        }
        else
        {
            Console.WriteLine($"creating devnet home {home.Path} with {settings.Accounts} funded accounts");
            var keys = DevnetAccounts.Keys(settings.Accounts);
            using var validatorKey = KeyPair.Generate();
            home.Initialize(DevnetAccounts.ChainId, validatorKey,
                [.. keys.Select(k => new GenesisAccount(k.Address.ToString(), DevnetAccounts.Balance)), .. DevnetAccounts.MarketAccounts()],
                new GenesisParameters { UnbondingPeriodBlocks = 1_000 });
            foreach (var key in keys)
            {
                key.Dispose();
            }
        }
        var genesis = home.LoadGenesis();
        var loadKeys = DevnetAccounts.FromGenesis(genesis);
        var userKeyFile = DevnetAccounts.WriteUserKeyFile(home, genesis);

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        if (settings.DurationSeconds is { } seconds)
        {
            stop.CancelAfter(TimeSpan.FromSeconds(seconds));
        }

        var overrides = new Dictionary<string, string?>
        {
            ["Node:ApiUrl"] = settings.ApiUrl,
            ["Node:BlockIntervalMs"] = settings.BlockIntervalMs.ToString(CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        // With several validators they run as child processes, killed in every case when this scope ends; this process
        // hosts a non-voting follower that dials them all, and the load, the market and the dashboard use it.
        await using var validators = settings.Validators > 1 ? DevnetValidators.Start(home, settings.Validators, settings.BlockIntervalMs) : null;
        if (validators is not null)
        {
            overrides["Node:Consensus"] = "tendermint";
            for (int i = 0; i < validators.PeerEndpoints.Count; i++)
            {
                overrides[$"Node:Peers:{i}"] = validators.PeerEndpoints[i];
            }
            Console.WriteLine($"validators: {validators.Count} processes, logs in {DevnetValidators.Directory(home.Path)}/node*/node.log");
        }
        var app = NodeCommand.BuildNode(home, overrides, handleSignals: false);
        DevnetSummary summary;
        await using (app.ConfigureAwait(false))
        {
            var chain = app.Services.GetRequiredService<Blockchain>();
            var pool = app.Services.GetRequiredService<TransactionPool>();
            var stats = app.Services.GetRequiredService<NodeStatistics>();
            var engine = app.Services.GetRequiredService<IConsensusEngine>();
            var startHeight = chain.Height;
            await NodeCommand.StartAsync(app, CancellationToken.None).ConfigureAwait(false);
            Console.WriteLine(resumed ? $"resumed devnet {home.Path} at height {startHeight}" : $"devnet home: {home.Path}");
            var url = app.Urls.First();
            Console.WriteLine($"api: {url}/v1/status");
            Console.WriteLine($"dashboard: {url}/");
            if (userKeyFile is not null)
            {
                Console.WriteLine($"key: {userKeyFile} (a funded account of your own, e.g. for examples/MatmulTask)");
            }
            Console.WriteLine(settings.DurationSeconds is { } d ? $"running for {d} s" : "running; press Ctrl-C to stop");

            var load = new LoadGenerator(chain, pool, loadKeys, settings.Rate, maxPending: 3 * Math.Max(1_000, chain.Parameters.MaxBlockTransactions / 2));
            var market = settings.Workers > 0 ? new DevnetMarket(app, url, settings.Workers, settings.FaultyRate, settings.TaskKind, settings.TaskN, settings.StarkSteps) : null;
            if (market is not null)
            {
                Console.WriteLine($"workers: {settings.Workers} ({(settings.FaultyRate > 0 ? $"worker 0 corrupts {settings.FaultyRate:P0} of its results" : "all honest")}); workload: {settings.TaskN}x{settings.TaskN}x{settings.TaskN} {(settings.TaskKind == TaskKind.MatmulMod61 ? "mod61" : "f64")}{(settings.StarkSteps > 0 ? $", and one task in {TaskWorkload.StarkEvery} a STARK-proven computation of {settings.StarkSteps} steps" : "")}");
                Console.WriteLine($"matmul: {market.Executor.Description}");
            }
            var cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            app.Services.GetRequiredService<NodeRunInfo>().Load = () => new LoadModel(startHeight.Value, Math.Round(clock.Elapsed.TotalSeconds, 1), loadKeys.Count,
                settings.Load ? settings.Rate : 0, load.Submitted, load.Refused, stats.TransactionsRejectedAtProposal);
            if (validators is not null)
            {
                await validators.WaitUntilFollowingAsync(url, startHeight.Value, stop.Token).ConfigureAwait(false);
            }
            var loadTask = settings.Load ? Task.Run(() => load.RunAsync(stop.Token)) : Task.CompletedTask;
            var marketTask = market?.RunAsync(stop.Token) ?? Task.CompletedTask;
            var chaosTask = validators is not null && settings.ChaosIntervalSeconds is { } chaosInterval
                ? validators.ChaosAsync(chaosInterval, settings.ChaosSeed, () => chain.Height.Value, stop.Token)
                : Task.CompletedTask;
            await ReportProgressAsync(chain, pool, stats, market, validators, startHeight, stop.Token).ConfigureAwait(false);
            await loadTask.ConfigureAwait(false);
            await marketTask.ConfigureAwait(false);
            await chaosTask.ConfigureAwait(false);
            double elapsed = clock.Elapsed.TotalSeconds;
            double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart).TotalSeconds;
            var (committed, roundsAboveZero) = DevnetValidators.Committed(chain, startHeight);
            ValidatorsReport? report = null;
            ulong followerLag = 0;
            if (validators is not null)
            {
                Console.WriteLine($"checking {committed.Count} committed transactions on every validator...");
                report = await validators.CheckAsync(chain.Height.Value, committed, CancellationToken.None).ConfigureAwait(false);
                // Read after the validators' heights were: a follower that is following has caught up with them by now.
                followerLag = report.CommonHeight > chain.Height.Value ? report.CommonHeight - chain.Height.Value : 0;
                await validators.StopAsync().ConfigureAwait(false);
            }
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            var marketFigures = market is null ? null : app.Services.GetRequiredService<MarketStatistics>().Snapshot();
            if (Console.IsOutputRedirected == false)
            {
                Console.WriteLine();
            }
            Console.WriteLine("stopped; measuring the Ed25519 verify rate for comparison...");
            double verifyRate = Ed25519Baseline.VerificationsPerSecond(TimeSpan.FromSeconds(1), allCores: true);
            double txPerSecond = stats.TransactionsFinalized / Math.Max(elapsed, 0.001);
            summary = new DevnetSummary
            {
                ChainId = chain.ChainId.Value,
                Home = home.Path,
                Validators = engine.Status.Validators,
                Heights = report?.Heights ?? [chain.Height.Value],
                CommonHeight = report?.CommonHeight ?? chain.Height.Value,
                FollowerBehind = followerLag,
                FollowerFollowing = followerLag <= DevnetSummary.MaxFollowerLag,
                StateRoots = report?.StateRoots ?? [chain.StateRoot.ToString()],
                StateRootsAgree = report is null || report.StateRoots.Distinct().Count() == 1,
                RoundsAboveZero = roundsAboveZero,
                Restarts = validators?.Restarts ?? 0,
                HeightAtLastRestart = validators?.HeightAtLastRestart ?? 0,
                CommittedTransactionsChecked = report?.TransactionsChecked ?? 0,
                CommittedTransactionsLost = report?.TransactionsLost ?? 0,
                Accounts = loadKeys.Count,
                StartHeight = startHeight.Value,
                Height = chain.Height.Value,
                Blocks = stats.BlocksFinalized,
                Transactions = stats.TransactionsFinalized,
                DurationSeconds = Math.Round(elapsed, 2),
                TxPerSecond = Math.Round(txPerSecond, 1),
                FinalityMsP50 = stats.Finality.PercentileMs(0.50),
                FinalityMsP99 = stats.Finality.PercentileMs(0.99),
                Submitted = load.Submitted,
                RefusedAtAdmission = load.Refused,
                RejectedAtProposal = stats.TransactionsRejectedAtProposal,
                PendingAtStop = pool.Count,
                StateRoot = chain.StateRoot.ToString(),
                SupplyConserved = chain.SupplyIsConserved(),
                SupplyTotal = chain.Supply.Total.ToString(),
                Ed25519VerifyPerSecond = Math.Round(verifyRate, 1),
                TxPerSecondVsEd25519Verify = Math.Round(txPerSecond / verifyRate, 3),
                Cores = Environment.ProcessorCount,
                CpuSeconds = Math.Round(marketFigures?.ProcessCpuSeconds ?? cpuSeconds, 2),
                Workers = settings.Workers,
                MatmulExecutor = market?.Executor.Description,
                TasksPosted = market?.Posted ?? 0,
                TasksSettled = marketFigures?.Tasks.Settled ?? 0,
                TasksRejected = marketFigures?.Tasks.Rejected ?? 0,
                TasksExpired = marketFigures?.Tasks.Expired ?? 0,
                InvalidResultsCommitted = marketFigures?.InvalidResultsCommitted ?? 0,
                InvalidResultsCaught = marketFigures?.InvalidResultsCaught ?? 0,
                InvalidResultsSettled = marketFigures?.InvalidResultsSettled ?? 0,
                HonestResultsRejected = marketFigures?.HonestResultsRejected ?? 0,
                VerifiedGflop = Math.Round(marketFigures?.VerifiedGflop ?? 0, 2),
                UsefulWorkFraction = Math.Round(marketFigures?.UsefulWorkFraction ?? 0, 3),
                UsefulWorkFractionWithDuplicateExecution = Math.Round(marketFigures?.UsefulWorkFractionWithDuplicateExecution ?? 0, 3),
                VerifyToComputeRatio = Math.Round(marketFigures?.VerifyToComputeRatio ?? 0, 4),
            };
            market?.Dispose();
        }
        foreach (var key in loadKeys)
        {
            key.Dispose();
        }
        PrintSummary(summary);
        if (settings.SummaryFile is { } file)
        {
            await File.WriteAllTextAsync(file, JsonSerializer.Serialize(summary, IndentedJson)).ConfigureAwait(false);
            Console.WriteLine($"summary written to {file}");
        }
        if (settings.Home is null)
        {
            // A home nobody asked to keep is temporary; --home keeps one.
            Directory.Delete(home.Path, recursive: true);
            Console.WriteLine($"removed the temporary home {home.Path} (use --home DIR to keep a devnet)");
        }
        return summary.Passed ? 0 : 1;
    }

    private static async Task ReportProgressAsync(Blockchain chain, TransactionPool pool, NodeStatistics stats, DevnetMarket? market, DevnetValidators? validators,
        Height startHeight, CancellationToken stop)
    {
        ulong scanned = startHeight.Value;
        int rounds = 0;
        bool interactive = !Console.IsOutputRedirected;
        var period = TimeSpan.FromSeconds(interactive ? 1 : 5);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(period, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            for (; scanned < chain.Height.Value; scanned++)
            {
                rounds += chain.GetCommit(new Height(scanned + 1)) is { Round: > 0 } ? 1 : 0;
            }
            var network = validators is null ? "" : $" | rounds>0 {rounds} | restarts {validators.Restarts} | up {validators.Up}/{validators.Count}";
            var line = string.Create(CultureInfo.InvariantCulture,
                $"height {chain.Height,7} | {stats.RecentTransactionsPerSecond,8:F0} tx/s | finality p50 {stats.Finality.PercentileMs(0.5) ?? 0,5} ms p99 {stats.Finality.PercentileMs(0.99) ?? 0,5} ms | txs {stats.TransactionsFinalized,9} | mempool {pool.Count,6}{network}{market?.ProgressText(chain)}");
            if (interactive)
            {
                Console.Write($"\r{line}");
            }
            else
            {
                Console.WriteLine(line);
            }
        }
    }

    private static void PrintSummary(DevnetSummary s)
    {
        Console.WriteLine("devnet summary");
        Console.WriteLine($"  chain id          {s.ChainId}");
        Console.WriteLine($"  home              {s.Home}");
        Console.WriteLine($"  validators        {s.Validators}");
        if (s.Heights.Count > 1)
        {
            Console.WriteLine($"  heights           {string.Join(", ", s.Heights)} (common {s.CommonHeight}; the devnet's follower: {s.Height})");
            Console.WriteLine($"  follower          {(s.FollowerFollowing ? "following" : "STOPPED FOLLOWING")} ({s.FollowerBehind} blocks behind the validators' common height after the checks; at most {DevnetSummary.MaxFollowerLag} allowed)");
            Console.WriteLine($"  state roots       {(s.StateRootsAgree ? "agree" : "DISAGREE")} at {s.CommonHeight}: {string.Join(", ", s.StateRoots.Distinct())}");
            Console.WriteLine($"  rounds above 0    {s.RoundsAboveZero}; restarts {s.Restarts} (last at height {s.HeightAtLastRestart})");
            Console.WriteLine($"  committed txs     {s.CommittedTransactionsChecked} checked on every validator, {s.CommittedTransactionsLost} lost");
        }
        Console.WriteLine($"  height            {s.Height} (started at {s.StartHeight})");
        Console.WriteLine($"  blocks            {s.Blocks}");
        Console.WriteLine($"  transactions      {s.Transactions} in {s.DurationSeconds} s");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  tx/s              {s.TxPerSecond:F1} ({s.TxPerSecondVsEd25519Verify:P1} of {s.Ed25519VerifyPerSecond:F0} Ed25519 verifications/s on {s.Cores} cores, same run)"));
        Console.WriteLine($"  finality          p50 {s.FinalityMsP50?.ToString(CultureInfo.InvariantCulture) ?? "-"} ms, p99 {s.FinalityMsP99?.ToString(CultureInfo.InvariantCulture) ?? "-"} ms");
        Console.WriteLine($"  refused/rejected  {s.RefusedAtAdmission} at admission, {s.RejectedAtProposal} at proposal; {s.PendingAtStop} pending at stop");
        Console.WriteLine($"  state root        {s.StateRoot}");
        Console.WriteLine($"  supply conserved  {(s.SupplyConserved ? "yes" : "NO")} (total {s.SupplyTotal})");
        if (s.Workers > 0)
        {
            Console.WriteLine($"  workers           {s.Workers} ({s.MatmulExecutor})");
            Console.WriteLine($"  tasks             {s.TasksPosted} posted, {s.TasksSettled} settled, {s.TasksRejected} rejected, {s.TasksExpired} expired");
            Console.WriteLine($"  invalid results   {s.InvalidResultsCommitted} committed, {s.InvalidResultsCaught} caught, {s.InvalidResultsSettled} settled; honest results rejected: {s.HonestResultsRejected}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  verified compute  {s.VerifiedGflop:F1} GFLOP; verify/compute {s.VerifyToComputeRatio:F4}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  useful work       {s.UsefulWorkFraction:P1} of {s.CpuSeconds:F1} CPU-s (with duplicate execution instead: {s.UsefulWorkFractionWithDuplicateExecution:P1})"));
        }
    }
}
