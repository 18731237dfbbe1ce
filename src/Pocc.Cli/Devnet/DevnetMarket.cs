using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using System.Collections.Concurrent;
using System.Globalization;
using Pocc.Cli.Workers;
using Pocc.Compute.Matmul;
using Pocc.Core.Crypto;
using Pocc.Ledger.Chain;
using Pocc.Ledger.Mempool;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tasks;
using Pocc.Node.Verification;
using Pocc.Storage.Blobs;

namespace Pocc.Cli.Devnet;

/// <summary>What the devnet's compute market did, read back from the chain and the workers' reports.</summary>
public sealed record MarketFigures(
    long Posted, long Settled, long Rejected, long Expired, long InvalidCommitted, long InvalidCaught, long InvalidSettled, long HonestRejected,
    double VerifiedGflop, double UsefulWorkFraction, double UsefulWorkFractionDuplicated, double VerifyToCompute);

/// <summary>
/// The devnet's compute market: workers (real <see cref="WorkerAgent"/>s talking to the node's HTTP API, the first
/// one optionally faulty) and a requester keeping a matmul workload posted.
/// </summary>
public sealed class DevnetMarket : IDisposable
{
    private readonly List<WorkerAgent> _agents = [];
    private readonly List<KeyPair> _keys = [];
    private readonly TaskWorkload _workload;
    private readonly BlobResultVerifier _verifier;
    private readonly ulong _firstTaskId;
    // The last commitment each task got from a worker: whether that result was corrupted, and its CPU cost.
    private readonly ConcurrentDictionary<ulong, WorkerTaskReport> _reports = new();
    private readonly KeyPair _requester;

    public DevnetMarket(WebApplication app, string nodeUrl, int workers, double faultyRate, TaskKind kind, uint n)
    {
        var chain = app.Services.GetRequiredService<Blockchain>();
        Executor = MatmulExecutor.CreateDefault();
        _verifier = app.Services.GetRequiredService<BlobResultVerifier>();
        var newest = chain.GetTasks(ulong.MaxValue, 1);
        _firstTaskId = newest.Count == 0 ? 1 : newest[0].Id + 1;
        for (int i = 0; i < workers; i++)
        {
            var key = DevnetAccounts.Worker(i);
            _keys.Add(key);
            var options = new WorkerAgentOptions { NodeUrl = nodeUrl, FaultyRate = i == 0 ? faultyRate : 0, Seed = 1_000 + i };
            _agents.Add(new WorkerAgent(options, key, Executor, OnEvent));
        }
        _requester = DevnetAccounts.Requester();
        _workload = new TaskWorkload(chain, app.Services.GetRequiredService<TransactionPool>(), app.Services.GetRequiredService<BlobStore>(),
            _requester, kind, n, openTarget: Math.Max(2, 2 * workers), fee: new Amount(100_000));
    }

    public MatmulExecutor Executor { get; }

    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll([.. _agents.Select(a => Task.Run(() => a.RunAsync(cancellationToken), CancellationToken.None)),
            Task.Run(() => _workload.RunAsync(cancellationToken), CancellationToken.None)]);

    private void OnEvent(WorkerEvent e)
    {
        if (e.Kind == WorkerEventKind.TaskCommitted && e.Report is { } report)
        {
            _reports[report.TaskId] = report;
        }
    }

    public string ProgressText(Blockchain chain)
    {
        var tasks = RunTasks(chain);
        return string.Create(CultureInfo.InvariantCulture,
            $" | tasks {tasks.Count(t => t.State == TaskState.Settled)} settled {tasks.Count(t => t.State == TaskState.Rejected)} rejected");
    }

    private List<ComputeTask> RunTasks(Blockchain chain) => [.. chain.GetTasks(ulong.MaxValue, int.MaxValue).Where(t => t.Id >= _firstTaskId)];

    /// <summary>
    /// The run's figures. Useful work is the CPU time of computations that were verified and settled, over all the
    /// devnet's CPU time (node, validator, workers and load all run in this one process); the duplicate-execution
    /// figure is what the same run would give if every settled task were computed a second time to check it.
    /// </summary>
    public MarketFigures Summarize(Blockchain chain, double processCpuSeconds)
    {
        var tasks = RunTasks(chain);
        long settled = 0, rejected = 0, expired = 0, invalidCaught = 0, invalidSettled = 0, honestRejected = 0;
        double settledCpu = 0, computeWall = 0, gflop = 0;
        foreach (var task in tasks)
        {
            _reports.TryGetValue(task.Id, out var report);
            switch (task.State)
            {
                case TaskState.Settled:
                    settled++;
                    gflop += task.Spec.ComputeUnits / 1e9;
                    settledCpu += (report?.CpuMs ?? 0) / 1000;
                    if (report is { Corrupted: true })
                    {
                        invalidSettled++;
                    }
                    break;
                case TaskState.Rejected:
                    rejected++;
                    if (report is { Corrupted: true })
                    {
                        invalidCaught++;
                    }
                    else
                    {
                        honestRejected++;
                    }
                    break;
                case TaskState.Expired:
                    expired++;
                    break;
            }
        }
        foreach (var report in _reports.Values)
        {
            computeWall += report.ComputeMs / 1000;
        }
        long invalidCommitted = _reports.Values.LongCount(r => r.Corrupted && r.TaskId >= _firstTaskId);
        double useful = processCpuSeconds > 0 ? settledCpu / processCpuSeconds : 0;
        double duplicated = processCpuSeconds > 0 ? settledCpu / (processCpuSeconds + settledCpu) : 0;
        double verifyToCompute = computeWall > 0 ? _verifier.VerifySeconds / computeWall : 0;
        return new MarketFigures(_workload.Posted, settled, rejected, expired, invalidCommitted, invalidCaught, invalidSettled, honestRejected,
            gflop, useful, duplicated, verifyToCompute);
    }

    public void Dispose()
    {
        foreach (var agent in _agents)
        {
            agent.Dispose();
        }
        foreach (var key in _keys)
        {
            key.Dispose();
        }
        _requester.Dispose();
    }
}
