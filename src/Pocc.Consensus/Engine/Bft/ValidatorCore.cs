using Microsoft.Extensions.Logging;
using Pocc.Consensus.Tendermint;
using Pocc.Consensus.Wal;
using Pocc.Core.Hashing;
using Pocc.Ledger;
using Pocc.Ledger.Blocks;
using Pocc.Ledger.Chain;
using Pocc.Ledger.Consensus;
using Pocc.Ledger.Mempool;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.State;

namespace Pocc.Consensus.Engine.Bft;

/// <summary>
/// One validator's consensus logic, synchronous and free of clocks and threads: a <see cref="TendermintMachine"/> per
/// height driven against the <see cref="Blockchain"/>. The machine decides; this class performs its actions (build or
/// execute blocks, send messages, ask for timers, commit) and feeds back the results. Its host hands it one input at a
/// time (<see cref="Start"/>, <see cref="Receive"/>, <see cref="Fire"/>): <see cref="TendermintEngine"/> from a channel
/// with real timers, the simulator from its virtual-time event queue, so both run exactly this code.
/// </summary>
public sealed partial class ValidatorCore
{
    private readonly Blockchain _chain;
    private readonly TransactionPool _pool;
    private readonly IConsensusSigner _signer;
    private readonly IConsensusSink _network;
    private readonly IConsensusTimers _timers;
    private readonly TendermintEngineOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConsensusWal? _wal;
    // Answers to our own actions (a built value, a validation) are handled before the next message, in order.
    private readonly Queue<ConsensusEvent> _followUps = new();
    private readonly FutureMessageBuffer _future;

    // The height being decided: its machine, the blocks seen for it by hash, the ones this node built.
    private TendermintMachine _machine = null!;
    private ValidatorSet _validators = null!;
    private Height _height;
    private readonly Dictionary<Hash32, Candidate> _blocks = [];
    private readonly Dictionary<Hash32, ProposedBlock> _proposed = [];
    private Height _requestedHeight;
    private long _requestedAt;
    private long _heightStartedAt;
    // The highest height a peer's message named: while it is above this node's, catching up goes on.
    private Height _highestSeen;
    // This height's messages as this node sent them (the latest few), for Resend.
    private readonly Queue<ConsensusMessage> _sent = new();
    private const int MaxResent = 8;

    private volatile ConsensusStatus _status;

    /// <param name="signer">Signs this validator's messages; the host wraps it in a <see cref="GuardedSigner"/> when it keeps state on disk.</param>
    /// <param name="wal">The consensus WAL, or none (only safe in tests: a restart forgets the lock).</param>
    /// <param name="time">Block timestamps and the block-request rate limit; never part of the decision itself.</param>
    public ValidatorCore(Blockchain chain, TransactionPool pool, IConsensusSigner signer, IConsensusSink network, IConsensusTimers timers,
        TendermintEngineOptions options, ConsensusWal? wal, TimeProvider time, ILogger logger)
    {
        _chain = chain;
        _pool = pool;
        _signer = signer;
        _network = network;
        _timers = timers;
        _options = options;
        _wal = wal;
        _time = time;
        _logger = logger;
        _future = new FutureMessageBuffer(options.MaxBufferedMessages, options.MaxHeightsAhead);
        _status = new ConsensusStatus("tendermint", chain.Height, chain.GetValidatorSet().Count, signer.Address, false, TimeSpan.Zero);
    }

    /// <summary>Raised for every block this validator commits, by consensus or by catching up.</summary>
    public event Action<FinalizedBlock>? Finalized;

    /// <summary>Raised when the machine catches a validator signing conflicting votes.</summary>
    public event Action<DuplicateVoteEvidence>? EvidenceFound;

    public ConsensusStatus Status => _status;

    /// <summary>Begins the height after the chain's head, resuming it from the WAL if the WAL was in the middle of it.</summary>
    public void Start()
    {
        StartHeight(replayWal: true);
        DrainFollowUps();
    }

    /// <summary>A message from another validator (unverified).</summary>
    public void Receive(ConsensusMessage message)
    {
        OnMessage(message);
        DrainFollowUps();
    }

    /// <summary>A timer asked for through <see cref="IConsensusTimers"/> went off.</summary>
    public void Fire(TimeoutElapsed timeout)
    {
        // A request or its answer can be lost; each timeout of a height this node is behind on asks again.
        RequestBlockIfBehind();
        Feed(timeout);
        DrainFollowUps();
    }

    /// <summary>The proposal asked for through <see cref="IConsensusTimers.ScheduleBuild"/> is due: build it, if still at that height.</summary>
    public void BuildDue(GetValue get)
    {
        if (get.Height != _height)
        {
            return;
        }
        _followUps.Enqueue(BuildValue(get));
        DrainFollowUps();
    }

    /// <summary>Sends this node's latest proposal (with its parts) and votes of the current height again (a peer connected).</summary>
    public void Resend()
    {
        foreach (var message in _sent)
        {
            _network.Broadcast(message);
            if (message is ProposalMessage { Proposal: var proposal } && _partSets.TryGetValue(new BlockId(proposal), out var entry))
            {
                SendParts(proposal, entry.Set);
            }
        }
    }

    private void StartHeight(bool replayWal)
    {
        _timers.CancelAll();
        _blocks.Clear();
        _proposed.Clear();
        ClearParts();
        _followUps.Clear();
        _sent.Clear();
        _height = _chain.Height.Next;
        _heightStartedAt = _time.GetTimestamp();
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
        RequestBlockIfBehind();
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
            if (message is BlockPartMessage part)
            {
                KeepEarly(part);
            }
            else
            {
                _future.Add(message, _height);
            }
            if (message.Height > _highestSeen)
            {
                _highestSeen = message.Height;
            }
            RequestBlock(_height);
            return;
        }
        switch (message)
        {
            case ProposalMessage proposal:
                OnProposal(proposal);
                break;
            case BlockPartMessage part:
                OnPart(part);
                break;
            case VoteMessage vote:
                Relay(vote, Feed(new VoteReceived(vote.Vote)));
                break;
            case BlockResponse response:
                OnBlockResponse(response);
                break;
        }
    }

    private void OnProposal(ProposalMessage message)
    {
        var proposal = message.Proposal;
        // Every node cuts a block into the same parts, so a different header for a block at hand is a proposer's lie.
        if (_blocks.TryGetValue(proposal.BlockHash, out var known) && known.Parts != proposal.Parts)
        {
            _logger.LogDebug("Dropped a proposal of {Hash} naming parts {Root} that are not its block's {Known}", proposal.BlockHash, proposal.Parts.Root, known.Parts.Root);
            return;
        }
        bool accepted = Feed(new ProposalReceived(proposal));
        Relay(message, accepted);
        if (accepted)
        {
            ExpectParts(proposal, message.ParentCommit);
            TakeEarlyParts(proposal.Height, proposal.Round);
        }
    }

    /// <summary>
    /// Gossip: passes on a message the machine accepted as new, so what one honest validator has every honest one gets,
    /// the assumption Tendermint's liveness rests on. Without it a validator can lock on a block whose proof-of-lock
    /// only it saw (an equivocator sent the others a different vote) and the height stalls. Duplicates are refused by
    /// the machine, so a message is relayed once per validator.
    /// </summary>
    private void Relay(ConsensusMessage message, bool accepted)
    {
        if (accepted)
        {
            _network.Broadcast(message);
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
        while (_followUps.TryDequeue(out var followUp))
        {
            Feed(followUp);
        }
    }

    private void Perform(IReadOnlyList<ConsensusAction> actions)
    {
        foreach (var action in actions)
        {
            switch (action)
            {
                case BroadcastProposal { Proposal: var proposal } when _partSets.TryGetValue(new BlockId(proposal), out var entry) && entry.Set.IsComplete:
                    Send(new ProposalMessage(proposal, entry.ParentCommit));
                    SendParts(proposal, entry.Set);
                    ExpectParts(proposal, entry.ParentCommit);
                    break;
                case BroadcastProposal broadcast:
                    // Only after a restart: the block was in memory. Peers time the round out and the next proposer goes on.
                    _logger.LogWarning("Cannot re-send proposal of {Hash}: its block was lost in a restart", broadcast.Proposal.BlockHash);
                    break;
                case BroadcastVote broadcast:
                    Send(new VoteMessage(broadcast.Vote));
                    break;
                case ScheduleTimeout timeout:
                    _timers.Schedule(new TimeoutElapsed(timeout.Kind, timeout.Height, timeout.Round), timeout.Duration);
                    break;
                case ValidateProposal validate when _blocks.ContainsKey(validate.BlockHash):
                    _followUps.Enqueue(new ProposalValidated(validate.Height, validate.BlockHash, IsValid(validate.BlockHash)));
                    break;
                case ValidateProposal validate:
                    // Its parts are on the way (or lost in a restart, when the proposer's resend brings them): answered
                    // once they make the block, and until then the propose timeout leads to a nil prevote.
                    _logger.LogDebug("Validating {Hash} once its parts are here", validate.BlockHash);
                    _awaitingBlock.Add(validate.BlockHash);
                    break;
                case GetValue get:
                    // Not before MinBlockInterval from the height's start, so an idle network does not spin empty blocks.
                    var wait = _options.MinBlockInterval - _time.GetElapsedTime(_heightStartedAt);
                    _timers.ScheduleBuild(get, wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
                    break;
                case CommitDecision decision:
                    CommitDecided(decision);
                    break;
                case ReportEvidence evidence:
                    EvidenceFound?.Invoke(evidence.Evidence);
                    SubmitEvidence(evidence.Evidence);
                    break;
            }
        }
    }

    /// <summary>
    /// Turns equivocation the machine saw into a transaction from this validator's account, paying the minimum fee,
    /// into the pool: it is gossiped and included like any transaction, and the block that includes it slashes and
    /// jails. Every honest validator that saw both votes submits; the first included wins, the rest are refused as
    /// duplicates and cost nothing.
    /// </summary>
    private void SubmitEvidence(DuplicateVoteEvidence evidence)
    {
        _logger.LogWarning("Validator {Validator} signed conflicting votes at height {Height}; submitting evidence", evidence.First.Validator, evidence.First.Height);
        var tx = _signer.SignTransaction(_chain.ChainId, _pool.NextNonce(_signer.Address), _chain.Parameters.MinimumFee, new Ledger.Consensus.SubmitEvidence(evidence));
        try
        {
            _pool.Add(tx);
        }
        catch (LedgerException e)
        {
            _logger.LogWarning("Could not submit evidence against {Validator}: {Code} {Reason}", evidence.First.Validator, e.Code, e.Message);
        }
    }

    private void Send(ConsensusMessage message)
    {
        _network.Broadcast(message);
        if (_sent.Count == MaxResent)
        {
            _sent.Dequeue();
        }
        _sent.Enqueue(message);
    }

    private bool IsValid(Hash32 hash)
    {
        if (_proposed.ContainsKey(hash))
        {
            return true;
        }
        var candidate = _blocks[hash];
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
        var proposed = _chain.Propose(candidates, _signer.Address, (ulong)_time.GetUtcNow().ToUnixTimeMilliseconds(), alpha => _signer.ProveBeacon(alpha));
        var parts = BlockPartSet.FromBlock(proposed.Block);
        _proposed[proposed.Block.Hash] = proposed;
        _blocks[proposed.Block.Hash] = new Candidate(proposed.Block, parentCommit, parts.Header);
        _partSets[new BlockId(proposed.Block.Hash, parts.Header)] = new PartSetEntry(parts, parentCommit);
        return new ValueReady(get.Height, get.Round, proposed.Block.Hash, parts.Header);
    }

    private void CommitDecided(CommitDecision decision)
    {
        if (!_blocks.TryGetValue(decision.BlockHash, out var candidate))
        {
            // Decided on a block whose parts are still coming, or that was lost in a restart: committed when the parts
            // make it, or when a peer that committed it sends it with its commit.
            _undecided = decision;
            RequestBlock(_height);
            return;
        }
        // Another proposal may have made this node adopt a different parent commit since; the decided block names its own.
        AdoptParentCommit(candidate);
        _proposed.TryGetValue(decision.BlockHash, out var proposed);
        CommittedBlock committed;
        try
        {
            committed = proposed is not null ? _chain.Commit(proposed, decision.Certificate) : _chain.Apply(candidate.Block, decision.Certificate);
        }
        catch (LedgerException e)
        {
            // Found by the simulator: after a restart the chain cannot adopt a different parent commit (the head's
            // signers are not known), so the decided block does not fit. Stay at this height and ask peers for it
            // rather than stop the engine.
            _logger.LogWarning("Cannot commit decided block {Hash} at height {Height}: {Code} {Reason}", decision.BlockHash, _height, e.Code, e.Message);
            RequestBlock(_height);
            return;
        }
        Finish(committed, proposed?.Rejected ?? []);
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

    private void UpdateStatus()
    {
        var state = _machine.State;
        _status = new ConsensusStatus("tendermint", _chain.Height, _validators.Count, _signer.Address, _validators.Contains(_signer.Address), TimeSpan.Zero)
        {
            Round = state.Round,
            Step = state.Step.ToString(),
        };
    }

    /// <summary>A block seen at this height, the parent commit it names (as its proposer sent it) and the parts it travels in.</summary>
    private sealed record Candidate(Block Block, Commit? ParentCommit, PartSetHeader Parts);
}
