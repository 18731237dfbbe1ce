using System.Collections.Concurrent;
using System.Diagnostics;
using Pocc.Ledger.Chain;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tasks;
using Pocc.Node.Api;
using Pocc.Node.Verification;

namespace Pocc.Node.Telemetry;

/// <summary>What a worker in this process reports about one result it committed: its cost, and whether it was corrupted on purpose.</summary>
public sealed record ComputeReport(ulong TaskId, double ComputeMs, double CpuMs, bool Corrupted);

/// <summary>
/// The compute market as this node sees it. Task counts, verified compute, rewards and slashes come from the chain.
/// CPU-time figures need the workers to run in this process (a devnet, or <c>pocc node run --worker</c>), which
/// report each result they commit: useful work is the CPU time of computations that were verified and settled, over
/// all of this process's CPU time since it started; the duplicate-execution baseline is what the same run would give
/// if every settled task were computed a second time to check it.
/// </summary>
public sealed class MarketStatistics
{
    private readonly Blockchain _chain;
    private readonly BlobResultVerifier _verifier;
    private readonly TimeSpan _cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
    // The last result each task got from a worker in this process.
    private readonly ConcurrentDictionary<ulong, ComputeReport> _reports = new();

    public MarketStatistics(Blockchain chain, BlobResultVerifier verifier)
    {
        _chain = chain;
        _verifier = verifier;
    }

    /// <summary>Workers running inside this process and reporting here.</summary>
    public int InProcessWorkers => _workers;

    private int _workers;

    public void AddInProcessWorker() => Interlocked.Increment(ref _workers);

    /// <summary>Raised for every report (for metrics).</summary>
    public event Action<ComputeReport>? Reported;

    public void Record(ComputeReport report)
    {
        _reports[report.TaskId] = report;
        Reported?.Invoke(report);
    }

    public MarketModel Snapshot()
    {
        var counts = _chain.CountTasksByState();
        var workers = _chain.GetWorkers();
        ulong verifiedUnits = 0;
        var earned = Amount.Zero;
        var slashed = Amount.Zero;
        foreach (var (_, worker) in workers)
        {
            verifiedUnits += worker.VerifiedComputeUnits;
            earned += worker.Earned;
            slashed += worker.Slashed;
        }
        double processCpu = (Process.GetCurrentProcess().TotalProcessorTime - _cpuAtStart).TotalSeconds;
        double verifySeconds = _verifier.VerifySeconds;
        var taskCounts = new TaskCountsModel(counts[TaskState.Posted], counts[TaskState.Assigned], counts[TaskState.Committed], counts[TaskState.Verified],
            counts[TaskState.Settled], counts[TaskState.Rejected], counts[TaskState.Expired]);
        if (_workers == 0)
        {
            return new MarketModel(taskCounts, verifiedUnits / 1e9, ApiMapping.Amount(earned), ApiMapping.Amount(slashed), Math.Round(verifySeconds, 3),
                null, Math.Round(processCpu, 2), null, null, null, null, null, null, null);
        }

        double settledCpuSeconds = 0, computeSeconds = 0;
        long invalidCommitted = 0, invalidCaught = 0, invalidSettled = 0, honestRejected = 0;
        foreach (var report in _reports.Values)
        {
            computeSeconds += report.ComputeMs / 1000;
            invalidCommitted += report.Corrupted ? 1 : 0;
            switch (_chain.GetTask(report.TaskId)?.State)
            {
                case TaskState.Settled:
                    settledCpuSeconds += report.CpuMs / 1000;
                    invalidSettled += report.Corrupted ? 1 : 0;
                    break;
                case TaskState.Rejected when report.Corrupted:
                    invalidCaught++;
                    break;
                case TaskState.Rejected:
                    honestRejected++;
                    break;
            }
        }
        return new MarketModel(taskCounts, verifiedUnits / 1e9, ApiMapping.Amount(earned), ApiMapping.Amount(slashed), Math.Round(verifySeconds, 3),
            Math.Round(computeSeconds, 3), Math.Round(processCpu, 2),
            processCpu > 0 ? Math.Round(settledCpuSeconds / processCpu, 4) : 0,
            processCpu > 0 ? Math.Round(settledCpuSeconds / (processCpu + settledCpuSeconds), 4) : 0,
            computeSeconds > 0 ? Math.Round(verifySeconds / computeSeconds, 5) : 0,
            invalidCommitted, invalidCaught, invalidSettled, honestRejected);
    }
}
