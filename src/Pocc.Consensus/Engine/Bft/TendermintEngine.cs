using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Pocc.Consensus.Tendermint;
using Pocc.Consensus.Wal;
using Pocc.Ledger.Chain;
using Pocc.Ledger.Mempool;

namespace Pocc.Consensus.Engine.Bft;

/// <summary>
/// The BFT engine of a node: a <see cref="ValidatorCore"/> run on one loop reading one channel, fed by the network and
/// by real timers, so the core, the WAL and the per-height block cache are never touched concurrently and need no locks.
/// </summary>
public sealed class TendermintEngine : IConsensusEngine
{
    private readonly Blockchain _chain;
    private readonly TransactionPool _pool;
    private readonly IConsensusSigner _signer;
    private readonly IConsensusNetwork _network;
    private readonly TendermintEngineOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<LoopItem> _inbox = Channel.CreateUnbounded<LoopItem>(new UnboundedChannelOptions { SingleReader = true });
    private volatile ConsensusStatus _status;
    private ValidatorCore? _core;

    /// <param name="signer">Signs this validator's messages; wrapped in a <see cref="GuardedSigner"/> when a data directory is set.</param>
    public TendermintEngine(Blockchain chain, TransactionPool pool, IConsensusSigner signer, IConsensusNetwork network,
        TendermintEngineOptions options, TimeProvider time, ILogger<TendermintEngine> logger)
    {
        _chain = chain;
        _pool = pool;
        _network = network;
        _options = options;
        _time = time;
        _logger = logger;
        _signer = options.DataDirectory is { } directory ? new GuardedSigner(signer, Path.Combine(directory, "signer-state")) : signer;
        _status = new ConsensusStatus("tendermint", chain.Height, chain.GetValidatorSet().Count, signer.Address, false, TimeSpan.Zero);
    }

    public event Action<FinalizedBlock>? Finalized;

    public ConsensusStatus Status => _core?.Status ?? _status;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var wal = _options.DataDirectory is { } directory ? ConsensusWal.Open(Path.Combine(directory, "consensus.wal")) : null;
        using var timers = new RealTimers(_time, _inbox.Writer);
        var core = new ValidatorCore(_chain, _pool, _signer, _network, timers, _options, wal, _time, _logger);
        core.Finalized += block => Finalized?.Invoke(block);
        using var stopPump = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pump = PumpAsync(stopPump.Token);
        try
        {
            _core = core;
            core.Start();
            await foreach (var item in _inbox.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                switch (item)
                {
                    case Fired fired:
                        core.Fire(fired.Timeout);
                        break;
                    case Received received:
                        core.Receive(received.Message);
                        break;
                    case BuildDue due:
                        core.BuildDue(due.Get);
                        break;
                    case ResendDue:
                        core.Resend();
                        break;
                }
                // The channel checks the token only when it is empty; a busy engine must stop too.
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            await stopPump.CancelAsync().ConfigureAwait(false);
            await pump.ConfigureAwait(false);
            timers.CancelAll();
            _status = core.Status with { Producing = false };
            _core = null;
        }
    }

    /// <summary>
    /// Sends this node's latest proposal and votes of the current height again. Call it when a peer connects: the
    /// transport drops what it could not deliver, and a round waiting for a vote that was lost (sent before the peer
    /// reconnected, or replayed from the WAL before any peer was connected) would otherwise wait forever.
    /// </summary>
    public void Resend() => _inbox.Writer.TryWrite(new ResendDue());

    private async Task PumpAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in _network.Inbound.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                _inbox.Writer.TryWrite(new Received(message));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Timers of <see cref="TimeProvider"/> whose firings queue behind the messages on the engine's loop.</summary>
    private sealed class RealTimers(TimeProvider time, ChannelWriter<LoopItem> inbox) : IConsensusTimers, IDisposable
    {
        private readonly List<ITimer> _timers = [];

        public void Schedule(TimeoutElapsed timeout, TimeSpan after) =>
            _timers.Add(time.CreateTimer(_ => inbox.TryWrite(new Fired(timeout)), null, after, Timeout.InfiniteTimeSpan));

        public void ScheduleBuild(GetValue get, TimeSpan after) =>
            _timers.Add(time.CreateTimer(_ => inbox.TryWrite(new BuildDue(get)), null, after, Timeout.InfiniteTimeSpan));

        public void CancelAll()
        {
            foreach (var timer in _timers)
            {
                timer.Dispose();
            }
            _timers.Clear();
        }

        public void Dispose() => CancelAll();
    }

    private abstract record LoopItem;

    private sealed record Fired(TimeoutElapsed Timeout) : LoopItem;

    private sealed record Received(ConsensusMessage Message) : LoopItem;

    private sealed record BuildDue(GetValue Get) : LoopItem;

    private sealed record ResendDue : LoopItem;
}
