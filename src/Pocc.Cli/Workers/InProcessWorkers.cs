using Microsoft.Extensions.DependencyInjection;
using Pocc.Compute.Matmul;
using Pocc.Node.Telemetry;

namespace Pocc.Cli.Workers;

/// <summary>
/// Workers that run inside a node's own process (the devnet's, <c>pocc node run --worker</c>) report to that node:
/// the market statistics count them and keep the cost of every result they commit, which is what the useful-work
/// figures are made of, and the node names their matmul executor.
/// </summary>
internal static class InProcessWorkers
{
    /// <summary>Registers one worker with the node in <paramref name="node"/>; returns the event observer to give its agent.</summary>
    public static Action<WorkerEvent> Register(IServiceProvider node, MatmulExecutor executor, Action<WorkerEvent>? alsoObserve = null)
    {
        var market = node.GetRequiredService<MarketStatistics>();
        market.AddInProcessWorker();
        node.GetRequiredService<NodeRunInfo>().MatmulExecutor = executor.Description;
        return e =>
        {
            alsoObserve?.Invoke(e);
            if (e.Kind == WorkerEventKind.TaskCommitted && e.Report is { } report)
            {
                market.Record(report.ToComputeReport());
            }
        };
    }
}
