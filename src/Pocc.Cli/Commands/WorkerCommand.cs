using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Pocc.Cli.Common;
using Pocc.Cli.Workers;
using Pocc.Compute.Matmul;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tasks;

namespace Pocc.Cli.Commands;

/// <summary><c>pocc worker run</c>: a compute-market worker serving a node's assigned tasks until Ctrl-C or SIGTERM.</summary>
public static class WorkerCommand
{
    public static Command Create()
    {
        var node = CommonOptions.Node();
        var key = KeysCommand.KeyOption();
        var home = CommonOptions.Home();
        var stake = new Option<ulong?>("--stake") { Description = $"Stake to lock when registering (default: {WorkerAgentOptions.DefaultStake.Value}, ten times the default minimum worker stake; a worker below the minimum gets no tasks, and a missed deadline costs 1% of stake)" };
        var capabilities = new Option<string>("--capabilities")
        {
            Description = "Task kinds to declare when registering: comma-separated f64, mod61, permutation-chain, matrix-recurrence (the last two are STARK-proven; their wire names work too)",
            DefaultValueFactory = _ => "f64,mod61,permutation-chain,matrix-recurrence",
        };
        var fee = new Option<ulong>("--fee") { Description = "Fee of each transaction the worker sends", DefaultValueFactory = _ => 10 };
        var faultyRate = new Option<double>("--faulty-rate")
        {
            Description = "Probability of corrupting one entry of each result before committing it (fault injection; 0 = honest)",
            DefaultValueFactory = _ => 0,
        };
        var seed = new Option<int>("--seed") { Description = "Seed of the fault-injection random source", DefaultValueFactory = _ => 0 };
        var threads = new Option<int>("--threads") { Description = "Threads of the managed kernels (0 = one per core)", DefaultValueFactory = _ => 0 };
        var managed = new Option<bool>("--managed") { Description = "Use the managed f64 kernel even when OpenBLAS is available" };
        var pollMs = new Option<int>("--poll-ms") { Description = "Milliseconds between polls for assigned tasks", DefaultValueFactory = _ => 200 };
        var run = new Command("run", "Register as a worker if needed, then compute assigned tasks and commit their results until stopped")
        {
            node, key, home, stake, capabilities, fee, faultyRate, seed, threads, managed, pollMs,
        };
        run.SetAction(NodeClient.Action(async (result, cancellationToken) =>
        {
            double rate = result.GetValue(faultyRate);
            if (!(rate is >= 0 and <= 1))
            {
                throw new CliException("--faulty-rate must be between 0 and 1");
            }
            if (result.GetValue(threads) < 0)
            {
                throw new CliException("--threads must be 0 (one per core) or more");
            }
            if (result.GetValue(pollMs) is < 10 or > 60_000)
            {
                throw new CliException("--poll-ms must be between 10 and 60000");
            }
            var options = new WorkerAgentOptions
            {
                NodeUrl = result.GetValue(node)!,
                Capabilities = ParseCapabilities(result.GetValue(capabilities)!),
                Stake = result.GetValue(stake) is { } s ? new Amount(s) : null,
                TransactionFee = new Amount(result.GetValue(fee)),
                FaultyRate = rate,
                Seed = result.GetValue(seed),
                PollInterval = TimeSpan.FromMilliseconds(result.GetValue(pollMs)),
            };
            using var signer = KeysCommand.LoadKey(result.GetValue(key), result.GetValue(home)!);
            var executor = MatmulExecutor.CreateDefault(result.GetValue(managed), result.GetValue(threads));
            var output = result.InvocationConfiguration.Output;
            var errors = result.InvocationConfiguration.Error;
            await output.WriteLineAsync($"worker {signer.Address} on {options.NodeUrl}").ConfigureAwait(false);
            await output.WriteLineAsync(executor.Description).ConfigureAwait(false);
            if (rate > 0)
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"fault injection: corrupting one entry of each result with probability {rate} (seed {options.Seed}); the chain will slash this worker")).ConfigureAwait(false);
            }

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                stop.Cancel();
            });
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
            {
                context.Cancel = true;
                stop.Cancel();
            });
            using var agent = new WorkerAgent(options, signer, executor, e =>
            {
                var writer = e.Kind is WorkerEventKind.TaskSkipped or WorkerEventKind.TaskRetry or WorkerEventKind.NodeUnreachable ? errors : output;
                writer.WriteLine(e.Message);
                writer.Flush();
            });
            await agent.RunAsync(stop.Token).ConfigureAwait(false);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"stopped: {agent.TasksComputed} computed ({agent.TasksCorrupted} corrupted), {agent.TasksCommitted} committed, {agent.TasksSkipped} skipped; {agent.ComputeSeconds:F3} s computing (wall clock), {agent.ComputeCpuSeconds:F3} s process CPU")).ConfigureAwait(false);
            return 0;
        }));
        return new Command("worker", "Run a compute-market worker") { run };
    }

    /// <summary>"f64,mod61,permutation-chain" → capability flags.</summary>
    internal static WorkerCapabilities ParseCapabilities(string text)
    {
        var capabilities = WorkerCapabilities.None;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            capabilities |= part switch
            {
                "f64" or "matmul_f64" => WorkerCapabilities.MatmulFloat64,
                "mod61" or "matmul_mod61" => WorkerCapabilities.MatmulMod61,
                "permutation-chain" or "stark_permutation_chain" => WorkerCapabilities.StarkPermutationChain,
                "matrix-recurrence" or "stark_matrix_recurrence" => WorkerCapabilities.StarkMatrixRecurrence,
                _ => throw new CliException($"--capabilities: unknown task kind '{part}' (use f64, mod61, permutation-chain, matrix-recurrence)"),
            };
        }
        return capabilities == WorkerCapabilities.None ? throw new CliException("--capabilities must name at least one task kind") : capabilities;
    }
}
