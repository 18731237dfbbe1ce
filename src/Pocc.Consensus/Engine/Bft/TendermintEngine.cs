using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Pocc.Consensus.Tendermint;
using Pocc.Consensus.Wal;
using Pocc.Core.Hashing;
using Pocc.Ledger;
using Pocc.Ledger.Blocks;
using Pocc.Ledger.Chain;
using Pocc.Ledger.Mempool;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.State;

namespace Pocc.Consensus.Engine.Bft;

/// <summary>
/// The BFT engine: one <see cref="TendermintMachine"/> per height, driven against the <see cref="Blockchain"/>. The
/// machine decides; this class performs its actions (build or execute blocks, send messages, run timers, commit)
/// and feeds back the results. Everything happens on one loop reading one channel, so the machine, the WAL and the
/// per-height block cache are never touched concurrently and need no locks.
/// </summary>
public sealed partial class TendermintEngine : IConsensusEngine
{
    private readonly Blockchain _chain;
    private readonly TransactionPool _pool;
    private readonly IConsensusSigner _signer;
    private readonly IConsensusNetwork _network;
    private readonly TendermintEngineOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<LoopItem> _inbox = Channel.CreateUnbounded<LoopItem>(new UnboundedChannelOptions { SingleReader = true });
    // Answers to our own actions (a built value, a validation) are handled before the next message, in order.
    private readonly Queue<ConsensusEvent> _followUps = new();
    private readonly FutureMessageBuffer _future;

    // The height being decided: its machine, the blocks seen for it by hash, the ones this node built, its timers.
    private TendermintMachine _machine = null!;
    private ValidatorSet _validators = null!;
    private Height _height;
    private readonly Dictionary<Hash32, Candidate> _blocks = [];
    private readonly Dictionary<Hash32, ProposedBlock> _proposed = [];
    private readonly List<ITimer> _timers = [];
    private Height _requestedHeight;
    private long _requestedAt;

    private ConsensusWal? _wal;
    private volatile ConsensusStatus _status;

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
        _future = new FutureMessageBuffer(options.MaxBufferedMessages, options.MaxHeightsAhead);
        _signer = options.DataDirectory is { } directory ? new GuardedSigner(signer, Path.Combine(directory, "signer-state")) : signer;
        _status = new ConsensusStatus("tendermint", chain.Height, chain.GetValidatorSet().Count, signer.Address, false, TimeSpan.Zero);
    }

    public event Action<FinalizedBlock>? Finalized;

    public ConsensusStatus Status => _status;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _wal = _options.DataDirectory is { } directory ? ConsensusWal.Open(Path.Combine(directory, "consensus.wal")) : null;
        using var stopPump = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pump = PumpAsync(stopPump.Token);
        try
        {
            StartHeight(replayWal: true);
            DrainFollowUps();
            await foreach (var item in _inbox.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                // ReadAllAsync only looks at the token when the inbox is empty, and a busy validator's never is.
                cancellationToken.ThrowIfCancellationRequested();
                switch (item)
                {
                    case Fired fired:
                        Feed(fired.Timeout);
                        break;
                    case Received received:
                        OnMessage(received.Message);
                        break;
                    case Resume:
                        break;
                }
                DrainFollowUps();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            await stopPump.CancelAsync().ConfigureAwait(false);
            await pump.ConfigureAwait(false);
            DisposeTimers();
            _wal?.Dispose();
            _wal = null;
            _status = _status with { Producing = false };
        }
    }

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

    private void StartHeight(bool replayWal)
    {
        DisposeTimers();
        _blocks.Clear();
        _proposed.Clear();
        _followUps.Clear();
        _height = _chain.Height.Next;
        _validators = _chain.GetValidatorSet();
        _machine = new TendermintMachine(_chain.ChainId, _signer, _options.Timeouts);
        var start = new Start(_height, _validators, new WeightedRoundRobinProposer(_validators));
        if (replayWal && _wal is not null && WalHeight(_wal.Records).Next == _height)
        {
            var replay = WalReplay.Replay(_machine, start, _wal.Records);
            _logger.LogInformation("Replayed {Events} WAL events of height {Height}", replay.EventsReplayed, _height);
            Perform(replay.Actions);
        }
        else
        {
            // A crash between committing a block and ending its WAL height leaves records of a height already on disk.
            if (replayWal && _wal is not null && _wal.Records.Count > 0)
            {
                _wal.EndHeight(_chain.Height);
            }
            Feed(start);
        }
        foreach (var message in _future.Take(_height))
        {
            OnMessage(message);
        }
        UpdateStatus();
    }

    /// <summary>The height the WAL's records after its last end marker belong to, minus one.</summary>
    private static Height WalHeight(IReadOnlyList<WalRecord> records)
    {
        for (int i = records.Count - 1; i >= 0; i--)
        {
            if (records[i] is WalEndHeight end)
            {
                return end.Height;
            }
        }
        return Height.Genesis;
    }

    private void OnMessage(ConsensusMessage message)
    {
        if (message is BlockRequest request)
        {
            AnswerBlockRequest(request);
            return;
        }
        if (message.Height < _height)
        {
            return;
        }
        if (message.Height > _height)
        {
            // Others moved on, so this height is decided without us: keep their messages and ask for the block.
            _future.Add(message, _height);
            RequestBlock(_height);
            return;
        }
        switch (message)
        {
            case ProposalMessage proposal:
                OnProposal(proposal);
                break;
            case VoteMessage vote:
                Feed(new VoteReceived(vote.Vote));
                break;
            case BlockResponse response:
                CatchUp(response);
                break;
        }
    }

    private void OnProposal(ProposalMessage message)
    {
        var hash = message.Proposal.BlockHash;
        if (message.Block.Hash != hash)
        {
            _logger.LogDebug("Dropped a proposal of {Hash} carrying block {Block}", hash, message.Block.Hash);
            return;
        }
        // The block must be at hand when the machine asks to validate it; it stays only if the machine accepts the proposal.
        bool known = !_blocks.TryAdd(hash, new Candidate(message.Block, message.ParentCommit));
        if (!Feed(new ProposalReceived(message.Proposal)) && !known)
        {
            _blocks.Remove(hash);
        }
    }

    /// <summary>Hands one event to the machine (through the WAL when there is one) and performs what it asks.</summary>
    private bool Feed(ConsensusEvent consensusEvent)
    {
        ConsensusOutput output;
        try
        {
            output = _wal is null ? _machine.Handle(consensusEvent) : _wal.Handle(_machine, consensusEvent);
        }
        catch (DoubleSignException e)
        {
            _logger.LogWarning("Staying silent in this step: {Reason}", e.Message);
            return false;
        }
        if (output.Rejected is { } rejection)
        {
            _logger.LogDebug("Machine refused {Event}: {Reason} {Message}", consensusEvent.GetType().Name, rejection.Reason, rejection.Message);
        }
        Perform(output.Actions);
        UpdateStatus();
        return output.Accepted;
    }

    private void DrainFollowUps()
    {
        var height = _height;
        while (_followUps.TryDequeue(out var followUp))
        {
            Feed(followUp);
            if (_height != height && _followUps.Count > 0)
            {
                // A lone validator decides every height within its own follow-ups: yield to timers, messages and a stop
                // request between heights, and come back at once.
                _inbox.Writer.TryWrite(Resume.Instance);
                return;
            }
        }
    }

    private void Perform(IReadOnlyList<ConsensusAction> actions)
    {
        foreach (var action in actions)
        {
            switch (action)
            {
                case BroadcastProposal broadcast when _blocks.TryGetValue(broadcast.Proposal.BlockHash, out var candidate):
                    _network.Broadcast(new ProposalMessage(broadcast.Proposal, candidate.Block, candidate.ParentCommit));
                    break;
                case BroadcastProposal broadcast:
                    // Only after a restart: the block was in memory. Peers time the round out and the next proposer goes on.
                    _logger.LogWarning("Cannot re-send proposal of {Hash}: its block was lost in a restart", broadcast.Proposal.BlockHash);
                    break;
                case BroadcastVote broadcast:
                    _network.Broadcast(new VoteMessage(broadcast.Vote));
                    break;
                case ScheduleTimeout timeout:
                    Schedule(timeout);
                    break;
                case ValidateProposal validate:
                    _followUps.Enqueue(new ProposalValidated(validate.Height, validate.BlockHash, IsValid(validate.BlockHash)));
                    break;
                case GetValue get:
                    _followUps.Enqueue(BuildValue(get));
                    break;
                case CommitDecision decision:
                    CommitDecided(decision);
                    break;
                case ReportEvidence evidence:
                    _logger.LogWarning("Validator {Validator} signed conflicting votes at height {Height}", evidence.Evidence.First.Validator, evidence.Evidence.First.Height);
                    break;
            }
        }
    }

    private bool IsValid(Hash32 hash)
    {
        if (_proposed.ContainsKey(hash))
        {
            return true;
        }
        // A block missing here was lost in a restart; nil is the safe vote.
        if (!_blocks.TryGetValue(hash, out var candidate))
        {
            return false;
        }
        AdoptParentCommit(candidate);
        var validation = _chain.Validate(candidate.Block);
        if (!validation.IsValid)
        {
            _logger.LogInformation("Proposed block {Hash} at height {Height} is invalid: {Code} {Reason}", hash, _height, validation.Code, validation.Reason);
        }
        return validation.IsValid;
    }

    private ValueReady BuildValue(GetValue get)
    {
        var candidates = _pool.Reap(_chain.Parameters.MaxBlockTransactions);
        var parentCommit = _chain.GetCommit(_chain.Height);
        var proposed = _chain.Propose(candidates, _signer.Address, (ulong)_time.GetUtcNow().ToUnixTimeMilliseconds());
        _proposed[proposed.Block.Hash] = proposed;
        _blocks[proposed.Block.Hash] = new Candidate(proposed.Block, parentCommit);
        return new ValueReady(get.Height, get.Round, proposed.Block.Hash);
    }

    private void CommitDecided(CommitDecision decision)
    {
        if (!_blocks.TryGetValue(decision.BlockHash, out var candidate))
        {
            // Decided on a block lost in a restart: a peer that committed it will send it with its commit.
            RequestBlock(_height);
            return;
        }
        // Another proposal may have made this node adopt a different parent commit since; the decided block names its own.
        AdoptParentCommit(candidate);
        if (_proposed.TryGetValue(decision.BlockHash, out var proposed))
        {
            Finish(_chain.Commit(proposed, decision.Certificate), proposed.Rejected);
        }
        else
        {
            Finish(_chain.Apply(candidate.Block, decision.Certificate), []);
        }
    }

    /// <summary>
    /// Makes the chain's head commit the one <paramref name="candidate"/> names, if it carries it: validators decide a
    /// height with whichever quorum of precommits they saw, so the proposer's may differ from ours. A bad one is ignored
    /// and the block is then judged, and refused, against ours.
    /// </summary>
    private void AdoptParentCommit(Candidate candidate)
    {
        if (candidate.ParentCommit is not { } commit || commit.Hash != candidate.Block.Header.LastCommitHash)
        {
            return;
        }
        try
        {
            _chain.AdoptLastCommit(commit);
        }
        catch (LedgerException e)
        {
            _logger.LogDebug("Did not adopt the parent commit of block {Hash}: {Code} {Reason}", candidate.Block.Hash, e.Code, e.Message);
        }
    }


    private void Finish(CommittedBlock committed, IReadOnlyList<RejectedTransaction> rejected)
    {
        var waited = _pool.OnBlockCommitted(committed, rejected);
        _wal?.EndHeight(committed.Block.Header.Height);
        Finalized?.Invoke(new FinalizedBlock(committed, waited, rejected.Count));
        StartHeight(replayWal: false);
    }

    private void Schedule(ScheduleTimeout timeout)
    {
        var elapsed = new TimeoutElapsed(timeout.Kind, timeout.Height, timeout.Round);
        _timers.Add(_time.CreateTimer(_ => _inbox.Writer.TryWrite(new Fired(elapsed)), null, timeout.Duration, Timeout.InfiniteTimeSpan));
    }

    private void DisposeTimers()
    {
        foreach (var timer in _timers)
        {
            timer.Dispose();
        }
        _timers.Clear();
    }

    private void UpdateStatus()
    {
        var state = _machine.State;
        _status = new ConsensusStatus("tendermint", _chain.Height, _validators.Count, _signer.Address, _validators.Contains(_signer.Address), TimeSpan.Zero)
        {
            Round = state.Round,
            Step = state.Step.ToString(),
        };
    }

    /// <summary>A block seen at this height and the parent commit it names, as its proposer sent it.</summary>
    private sealed record Candidate(Block Block, Commit? ParentCommit);

    private abstract record LoopItem;

    private sealed record Fired(TimeoutElapsed Timeout) : LoopItem;

    private sealed record Received(ConsensusMessage Message) : LoopItem;

    /// <summary>Follow-ups of a new height are waiting (see <see cref="DrainFollowUps"/>).</summary>
    private sealed record Resume : LoopItem
    {
        public static readonly Resume Instance = new();
    }
}
