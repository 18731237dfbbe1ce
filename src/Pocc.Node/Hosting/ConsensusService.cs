using Pocc.Consensus.Engine;
using Pocc.Node.Api;
using Pocc.Node.Telemetry;

namespace Pocc.Node.Hosting;

/// <summary>Runs the consensus engine for the host's lifetime and feeds finalized blocks to statistics, history, metrics and the event stream.</summary>
public sealed class ConsensusService : BackgroundService
{
    private readonly IConsensusEngine _engine;
    private readonly NodeStatistics _statistics;
    private readonly BlockEventHub _events;
    private readonly ChainHistory _history;
    private readonly ValidatorActivity _validators;
    private readonly NodeMetrics _metrics;
    private readonly ILogger<ConsensusService> _logger;

    public ConsensusService(IConsensusEngine engine, NodeStatistics statistics, BlockEventHub events, ChainHistory history, ValidatorActivity validators,
        NodeMetrics metrics, ILogger<ConsensusService> logger)
    {
        _engine = engine;
        _statistics = statistics;
        _events = events;
        _history = history;
        _validators = validators;
        _metrics = metrics;
        _logger = logger;
        _engine.Finalized += OnFinalized;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _engine.RunAsync(stoppingToken);

    private void OnFinalized(FinalizedBlock finalized)
    {
        _statistics.Record(finalized);
        _history.Record(finalized);
        _validators.Record(finalized.Committed);
        _metrics.Record(finalized);
        var header = finalized.Committed.Block.Header;
        _events.Publish(new BlockEventModel(header.Height.Value, header.Hash.ToString(), header.TimestampMs, header.TransactionCount,
            header.StateRoot.ToString(), header.Proposer.ToString(), _statistics.Finality.PercentileMs(0.5),
            [.. finalized.Committed.ChangedTasks.Select(ApiMapping.ToEvent)]));
        _logger.LogDebug("Finalized block {Height} {Hash} with {Transactions} transactions, state root {StateRoot}",
            header.Height, header.Hash, header.TransactionCount, header.StateRoot);
    }

    public override void Dispose()
    {
        _engine.Finalized -= OnFinalized;
        base.Dispose();
    }
}
