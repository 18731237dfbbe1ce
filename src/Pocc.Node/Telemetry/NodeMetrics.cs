using Pocc.Node.P2p;
using System.Diagnostics.Metrics;
using Pocc.Consensus.Engine;
using Pocc.Ledger.Chain;
using Pocc.Ledger.Mempool;
using Pocc.Ledger.Tasks;
using Pocc.Node.Api;
using Pocc.Node.Verification;

namespace Pocc.Node.Telemetry;

/// <summary>
/// The node's OpenTelemetry instruments, exported for Prometheus at <c>/metrics</c>. Names follow the OpenTelemetry
/// conventions; the exporter turns them into Prometheus ones (dots to underscores, the unit appended, <c>_total</c>
/// on counters): <c>pocc_chain_height</c>, <c>pocc_finality_latency_seconds</c>, <c>pocc_transactions_finalized_total</c>, ...
/// Observable instruments read their value at scrape time, so the hot paths only pay for the histograms and counters.
/// </summary>
public sealed class NodeMetrics : IDisposable
{
    private static readonly double[] LatencyBucketsSeconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly Meter _meter;
    private readonly Histogram<double> _finality;
    private readonly Counter<long> _transactions;
    private readonly Counter<long> _blocks;
    private readonly Histogram<double> _verification;
    private readonly Histogram<double> _compute;

    private readonly BlobResultVerifier _verifier;
    private readonly MarketStatistics _market;

    public NodeMetrics(IMeterFactory meters, MeterNameLease meterName, Blockchain chain, TransactionPool pool, NodeStatistics statistics, MarketStatistics market, BlobResultVerifier verifier, NodePeers peers)
    {
        _verifier = verifier;
        _market = market;
        _meter = meters.Create(meterName.Name);
        _finality = _meter.CreateHistogram("pocc.finality.latency", "s", "Seconds from a transaction's admission to this node's mempool to its block's finality.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBucketsSeconds });
        _transactions = _meter.CreateCounter<long>("pocc.transactions.finalized", "{transaction}", "Transactions in finalized blocks.");
        _blocks = _meter.CreateCounter<long>("pocc.blocks.finalized", "{block}", "Blocks finalized while this process ran.");
        _verification = _meter.CreateHistogram("pocc.verification.duration", "s", "Seconds this node spent checking one committed compute result.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBucketsSeconds });
        _compute = _meter.CreateHistogram("pocc.compute.duration", "s", "Wall-clock seconds an in-process worker spent computing one task's result.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120] });

        _meter.CreateObservableGauge("pocc.chain.height", () => (long)chain.Height.Value, "{block}", "Height of the finalized head.");
        _meter.CreateObservableGauge("pocc.transactions.rate", () => statistics.RecentTransactionsPerSecond, "{transaction}/s",
            "Finalized transactions per second over the last few seconds.");
        _meter.CreateObservableGauge("pocc.mempool.transactions", () => (long)pool.Count, "{transaction}", "Transactions waiting in the mempool.");
        _meter.CreateObservableGauge("pocc.mempool.size", () => pool.Bytes, "By", "Bytes of transactions waiting in the mempool.");
        _meter.CreateObservableGauge("pocc.peers", () => (long)peers.Connected, "{peer}", "Connected peers.");
        _meter.CreateObservableGauge("pocc.tasks", () => chain.CountTasksByState().Select(c => new Measurement<long>(c.Value, new KeyValuePair<string, object?>("state", WireNames.Name(c.Key)))),
            "{task}", "Compute tasks on chain, by lifecycle state.");
        _meter.CreateObservableGauge("pocc.useful_work.ratio", () => market.Snapshot().UsefulWorkFraction is { } fraction ? [new Measurement<double>(fraction)] : Array.Empty<Measurement<double>>(),
            "1", "CPU time of verified and settled computations over all of this process's CPU time (only with in-process workers).");
        _meter.CreateObservableCounter("pocc.worker.slashes", () => SumWorkers(chain, w => (long)(w.TasksRejected + w.DeadlinesMissed)), "{slash}",
            "Penalties applied to workers: rejected results and missed deadlines.");
        _meter.CreateObservableCounter("pocc.worker.slashed", () => SumWorkers(chain, w => (long)w.Slashed.Value), "{token}", "Stake taken from workers by penalties.");
        _meter.CreateObservableCounter("pocc.compute.verified", () => SumWorkers(chain, w => (long)w.VerifiedComputeUnits), "{flop}",
            "Floating-point or modular operations in results that were verified and settled.");
        verifier.Checked += OnChecked;
        market.Reported += OnReported;
    }

    public void Record(FinalizedBlock finalized)
    {
        _blocks.Add(1);
        _transactions.Add(finalized.Committed.Block.Transactions.Count);
        foreach (var seconds in finalized.FinalitySeconds)
        {
            _finality.Record(seconds);
        }
    }

    private void OnChecked(TimeSpan elapsed) => _verification.Record(elapsed.TotalSeconds);

    private void OnReported(ComputeReport report) => _compute.Record(report.ComputeMs / 1000);

    private static long SumWorkers(Blockchain chain, Func<Worker, long> value)
    {
        long total = 0;
        foreach (var (_, worker) in chain.GetWorkers())
        {
            total += value(worker);
        }
        return total;
    }

    public void Dispose()
    {
        _verifier.Checked -= OnChecked;
        _market.Reported -= OnReported;
        _meter.Dispose();
    }
}
