using Pocc.Core.Hashing;
using Pocc.Ledger.Blocks;
using Pocc.Ledger.Consensus;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.State;

namespace Pocc.Consensus.Tendermint;

/// <summary>
/// The Tendermint consensus algorithm (Buchman, Kwon, Milosevic, "The latest gossip on BFT consensus", Algorithm 1)
/// as a pure state machine: <see cref="Handle"/> takes one event and returns the actions to perform. It never
/// touches the clock, network or disk, so a simulator can drive many of them deterministically from one seed.
/// Line numbers in comments refer to Algorithm 1 of the paper.
/// </summary>
/// <remarks>
/// Block validity is decided by the host: the machine emits <see cref="ValidateProposal"/> once per proposed value and
/// waits for <see cref="ProposalValidated"/>; rules that need valid(v) stay pending until then. The machine signs
/// its own messages through the injected <see cref="IConsensusSigner"/>. Not thread-safe: one event at a time.
/// </remarks>
public sealed class TendermintMachine
{
    /// <summary>How far beyond its current round a validator keeps messages; beyond that they are refused so a faulty peer cannot fill memory.</summary>
    public const int DefaultMaxRoundsAhead = 64;

    private readonly ChainId _chainId;
    private readonly IConsensusSigner _signer;
    private readonly TendermintTimeouts _timeouts;
    private readonly int _maxRoundsAhead;
    private readonly List<ConsensusAction> _actions = [];

    private ValidatorSet? _validators;
    private IProposerSelector? _proposers;
    private HeightMessages _messages = new();
    private readonly Dictionary<Hash32, bool> _validity = [];
    private readonly HashSet<Hash32> _validationRequested = [];

    private Height _height;
    private int _round;
    private RoundStep _step;
    private Hash32? _lockedValue;
    private int _lockedRound = Proposal.NoRound;
    private Hash32? _validValue;
    // The parts of the proposal that made _validValue valid, signed again when this node re-proposes it.
    private PartSetHeader _validParts;
    private int _validRound = Proposal.NoRound;
    private Hash32? _decision;

    // The rounds in which the "for the first time" rules (lines 34, 36, 47) already fired.
    private int _prevoteWaitRound = -1;
    private int _precommitWaitRound = -1;
    private int _prevoteQuorumRound = -1;

    public TendermintMachine(ChainId chainId, IConsensusSigner signer, TendermintTimeouts timeouts, int maxRoundsAhead = DefaultMaxRoundsAhead)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxRoundsAhead);
        _chainId = chainId;
        _signer = signer;
        _timeouts = timeouts;
        _maxRoundsAhead = maxRoundsAhead;
    }

    public TendermintState State => new(_height, _round, _step, _lockedValue, _lockedRound, _validValue, _validRound, _decision);

    public ConsensusOutput Handle(ConsensusEvent consensusEvent)
    {
        ArgumentNullException.ThrowIfNull(consensusEvent);
        _actions.Clear();
        var rejection = consensusEvent switch
        {
            Start start => OnStart(start),
            ProposalReceived received => OnProposal(received.Proposal),
            VoteReceived received => OnVote(received.Vote),
            TimeoutElapsed timeout => OnTimeout(timeout),
            ProposalValidated validated => OnValidated(validated),
            ValueReady ready => OnValueReady(ready),
            _ => throw new ArgumentException($"unknown consensus event {consensusEvent.GetType().Name}", nameof(consensusEvent)),
        };
        if (rejection is null)
        {
            Evaluate();
        }
        return new ConsensusOutput(_actions.ToArray(), rejection);
    }

    private Rejection? OnStart(Start start)
    {
        _validators = start.Validators;
        _proposers = start.Proposers;
        _height = start.Height;
        _messages = new HeightMessages();
        _validity.Clear();
        _validationRequested.Clear();
        _lockedValue = null;
        _lockedRound = Proposal.NoRound;
        _validValue = null;
        _validRound = Proposal.NoRound;
        _decision = null;
        _prevoteWaitRound = -1;
        _precommitWaitRound = -1;
        _prevoteQuorumRound = -1;
        StartRound(0);
        return null;
    }

    private Rejection? OnProposal(Proposal proposal)
    {
        if (CheckIncoming(proposal.Height, proposal.Round) is { } refused)
        {
            return refused;
        }
        if (proposal.ValidRound < Proposal.NoRound || proposal.ValidRound >= proposal.Round)
        {
            return Reject(RejectReason.Malformed, $"proposal of round {proposal.Round} claims valid round {proposal.ValidRound}");
        }
        var expected = _proposers!.Proposer(_height, proposal.Round);
        if (proposal.Proposer != expected)
        {
            return Reject(RejectReason.NotTheProposer, $"{proposal.Proposer} is not the proposer of round {proposal.Round}; {expected} is");
        }
        if (!_validators!.TryGet(proposal.Proposer, out var member))
        {
            return Reject(RejectReason.UnknownValidator, $"proposer {proposal.Proposer} is not in the validator set");
        }
        var round = _messages.ProposalsAt(proposal.Round);
        if (round.Any(p => p.BlockHash == proposal.BlockHash))
        {
            return Reject(RejectReason.Duplicate, $"already have the proposal of {proposal.BlockHash} in round {proposal.Round}");
        }
        if (round.Count >= HeightMessages.MaxProposalsPerRound)
        {
            return Reject(RejectReason.ConflictingProposal, $"proposer {proposal.Proposer} already proposed {round.Count} blocks in round {proposal.Round}");
        }
        if (!proposal.Verify(_chainId, member.PublicKey))
        {
            return Reject(RejectReason.BadSignature, $"proposal of round {proposal.Round} from {proposal.Proposer} has an invalid signature");
        }
        AcceptProposal(proposal, member.Power);
        return null;
    }

    private Rejection? OnVote(Vote vote)
    {
        if (CheckIncoming(vote.Height, vote.Round) is { } refused)
        {
            return refused;
        }
        if (vote.Type is not (VoteType.Prevote or VoteType.Precommit))
        {
            return Reject(RejectReason.Malformed, $"unknown vote type {vote.Type}");
        }
        if (!_validators!.TryGet(vote.Validator, out var member))
        {
            return Reject(RejectReason.UnknownValidator, $"voter {vote.Validator} is not in the validator set");
        }
        var votes = _messages.Votes(vote.Round, vote.Type);
        // Ed25519 signatures are deterministic: an identical vote was already verified, so skip the expensive check.
        if (votes.Contains(vote))
        {
            return Reject(RejectReason.Duplicate, $"already have {vote.Validator}'s {vote.Type} of round {vote.Round}");
        }
        if (!vote.Verify(_chainId, member.PublicKey))
        {
            return Reject(RejectReason.BadSignature, $"{vote.Type} of round {vote.Round} from {vote.Validator} has an invalid signature");
        }
        var first = votes.First(vote.Validator);
        switch (_messages.VotesForAdding(vote.Round, vote.Type).Add(vote, member.Power, _validators.TotalPower))
        {
            case AddVoteResult.Duplicate:
                return Reject(RejectReason.Duplicate, $"already have {vote.Validator}'s {vote.Type} for this value in round {vote.Round}");
            case AddVoteResult.Held:
                return Reject(RejectReason.ConflictingVote, $"{vote.Validator} already signed {RoundVotes.MaxCountedValuesPerValidator} different {vote.Type}s in round {vote.Round}; this one is held until its value has a third of the power");
            case AddVoteResult.TooManyConflicting:
                return Reject(RejectReason.ConflictingVote, $"{vote.Validator} signed too many different {vote.Type}s in round {vote.Round}; ignored");
            case AddVoteResult.Conflicting:
                _actions.Add(new ReportEvidence(new DuplicateVoteEvidence(first!, vote)));
                break;
        }
        _messages.RecordSender(vote.Round, vote.Validator, member.Power);
        return null;
    }

    private Rejection? OnTimeout(TimeoutElapsed timeout)
    {
        if (_validators is null || timeout.Height != _height || timeout.Round != _round || _step == RoundStep.Committed)
        {
            return Reject(RejectReason.Stale, $"{timeout.Kind} timeout of height {timeout.Height} round {timeout.Round} no longer applies");
        }
        switch (timeout.Kind)
        {
            case TimeoutKind.Propose when _step == RoundStep.Propose:
                // Line 57: no acceptable proposal in time.
                CastVote(VoteType.Prevote, null);
                _step = RoundStep.Prevote;
                break;
            case TimeoutKind.Prevote when _step == RoundStep.Prevote:
                // Line 61: prevotes split with no quorum for one value.
                CastVote(VoteType.Precommit, null);
                _step = RoundStep.Precommit;
                break;
            case TimeoutKind.Precommit:
                // Line 65: no decision this round; try the next.
                StartRound(_round + 1);
                break;
            default:
                return Reject(RejectReason.Stale, $"{timeout.Kind} timeout arrived after step {_step}");
        }
        return null;
    }

    private Rejection? OnValidated(ProposalValidated validated)
    {
        if (_validators is null || validated.Height != _height || _step == RoundStep.Committed)
        {
            return Reject(RejectReason.Stale, $"validation of {validated.BlockHash} at height {validated.Height} no longer applies");
        }
        _validity[validated.BlockHash] = validated.Valid;
        return null;
    }

    private Rejection? OnValueReady(ValueReady ready)
    {
        if (_validators is null || ready.Height != _height || ready.Round != _round || _step != RoundStep.Propose ||
            _messages.ProposalsAt(_round).Count > 0 || !IsProposer(_round))
        {
            return Reject(RejectReason.Stale, $"value for height {ready.Height} round {ready.Round} is no longer wanted");
        }
        // Line 19: the proposer built this block itself, so it is valid by construction.
        SendProposal(ready.BlockHash, ready.Parts, Proposal.NoRound);
        return null;
    }

    private Rejection? CheckIncoming(Height height, int round)
    {
        if (_validators is null)
        {
            return Reject(RejectReason.NotStarted, "no height started");
        }
        if (round < 0)
        {
            return Reject(RejectReason.Malformed, $"negative round {round}");
        }
        if (height != _height)
        {
            return Reject(RejectReason.WrongHeight, $"message for height {height}, deciding {_height}");
        }
        if (_step == RoundStep.Committed)
        {
            return Reject(RejectReason.Stale, $"height {height} is already decided");
        }
        if (round > _round && round - _round > _maxRoundsAhead)
        {
            return Reject(RejectReason.RoundTooFarAhead, $"message for round {round}, more than {_maxRoundsAhead} rounds ahead of {_round}");
        }
        return null;
    }

    private static Rejection Reject(RejectReason reason, string message) => new(reason, message);

    // Line 11.
    private void StartRound(int round)
    {
        _round = round;
        _step = RoundStep.Propose;
        // Every validator runs the propose timer, the proposer too, so a host slow to answer GetValue cannot stall the round.
        Schedule(TimeoutKind.Propose);
        if (!IsProposer(round))
        {
            return;
        }
        if (_validValue is { } valid)
        {
            SendProposal(valid, _validParts, _validRound);
        }
        else
        {
            _actions.Add(new GetValue(_height, round));
        }
    }

    private bool IsProposer(int round) =>
        _validators!.Contains(_signer.Address) && _proposers!.Proposer(_height, round) == _signer.Address;

    private void SendProposal(Hash32 value, PartSetHeader parts, int validRound)
    {
        var proposal = _signer.SignProposal(_chainId, _height, _round, value, parts, validRound);
        _actions.Add(new BroadcastProposal(proposal));
        _validity[value] = true;
        AcceptProposal(proposal, _validators!.TryGet(_signer.Address, out var self) ? self.Power : 0);
    }

    private void AcceptProposal(Proposal proposal, ulong power)
    {
        if (_messages.AddProposal(proposal, power) is not (AddVoteResult.Added or AddVoteResult.Conflicting))
        {
            return;
        }
        if (!_validity.ContainsKey(proposal.BlockHash) && _validationRequested.Add(proposal.BlockHash))
        {
            _actions.Add(new ValidateProposal(_height, proposal.Round, proposal.BlockHash));
        }
    }

    private void CastVote(VoteType type, Hash32? value)
    {
        if (!_validators!.TryGet(_signer.Address, out var self))
        {
            return;
        }
        var vote = _signer.SignVote(_chainId, type, _height, _round, value);
        _actions.Add(new BroadcastVote(vote));
        _messages.VotesForAdding(_round, type).Add(vote, self.Power, _validators.TotalPower);
        _messages.RecordSender(_round, vote.Validator, self.Power);
    }

    private void Schedule(TimeoutKind kind) =>
        _actions.Add(new ScheduleTimeout(kind, _height, _round, _timeouts.For(kind, _round)));

    /// <summary>
    /// Applies the paper's "upon" rules until none fires. Each firing changes a step, round or "first time" guard, so
    /// one event fires only a handful; a rule that keeps firing is a bug, and crashes here instead of hanging the node.
    /// </summary>
    private void Evaluate()
    {
        const int MaxFirings = 64;
        int firings = 0;
        while (_step != RoundStep.Committed && (TryDecide() || TrySkipRound() || TryPrevote() || TryPrecommit() || TryScheduleWaits()))
        {
            if (++firings > MaxFirings)
            {
                throw new InvalidOperationException($"consensus rules still firing after {MaxFirings} steps at height {_height} round {_round}");
            }
        }
    }

    // Line 49: a proposal of any round whose value got a precommit quorum in that round decides the height.
    private bool TryDecide()
    {
        ulong total = _validators!.TotalPower;
        foreach (var proposal in _messages.Proposals)
        {
            var precommits = _messages.Votes(proposal.Round, VoteType.Precommit);
            if (!Quorum.IsSuper(precommits.PowerFor(proposal.BlockHash), total) || !IsValid(proposal.BlockHash))
            {
                continue;
            }
            _decision = proposal.BlockHash;
            _step = RoundStep.Committed;
            var certificate = new Commit(_height, (uint)proposal.Round, proposal.BlockHash, precommits.SignaturesFor(proposal.BlockHash));
            _actions.Add(new CommitDecision(_height, proposal.Round, proposal.BlockHash, certificate));
            return true;
        }
        return false;
    }

    // Line 55: more than a third of the power is already in a later round, so at least one honest validator is; follow it.
    private bool TrySkipRound()
    {
        if (_messages.HighestRoundWithOneThirdAbove(_round, _validators!.TotalPower) is not { } round)
        {
            return false;
        }
        StartRound(round);
        return true;
    }

    // Lines 22 and 28: prevote the round's proposal if it is valid and the lock allows it, otherwise nil.
    private bool TryPrevote()
    {
        if (_step != RoundStep.Propose)
        {
            return false;
        }
        // Normally one proposal; of an equivocator's two, the first that the rules can act on counts.
        foreach (var proposal in _messages.ProposalsAt(_round))
        {
            if (ValidityOf(proposal.BlockHash) is not { } valid)
            {
                continue;
            }
            bool acceptable;
            if (proposal.ValidRound == Proposal.NoRound)
            {
                acceptable = _lockedRound == Proposal.NoRound || _lockedValue == proposal.BlockHash;
            }
            else if (Quorum.IsSuper(_messages.Votes(proposal.ValidRound, VoteType.Prevote).PowerFor(proposal.BlockHash), _validators!.TotalPower))
            {
                // A prevote quorum at ValidRound is a proof-of-lock at least as recent as ours: it may unlock us.
                acceptable = _lockedRound <= proposal.ValidRound || _lockedValue == proposal.BlockHash;
            }
            else
            {
                // Line 28 needs the quorum at ValidRound; until it arrives only the propose timeout moves on.
                continue;
            }
            CastVote(VoteType.Prevote, valid && acceptable ? proposal.BlockHash : null);
            _step = RoundStep.Prevote;
            return true;
        }
        return false;
    }

    // Lines 36 and 44: a prevote quorum for the proposal locks and precommits it; a quorum for nil precommits nil.
    private bool TryPrecommit()
    {
        ulong total = _validators!.TotalPower;
        var prevotes = _messages.Votes(_round, VoteType.Prevote);
        if (_step >= RoundStep.Prevote && _prevoteQuorumRound != _round)
        {
            foreach (var proposal in _messages.ProposalsAt(_round))
            {
                if (!Quorum.IsSuper(prevotes.PowerFor(proposal.BlockHash), total) || !IsValid(proposal.BlockHash))
                {
                    continue;
                }
                _prevoteQuorumRound = _round;
                if (_step == RoundStep.Prevote)
                {
                    _lockedValue = proposal.BlockHash;
                    _lockedRound = _round;
                    CastVote(VoteType.Precommit, proposal.BlockHash);
                    _step = RoundStep.Precommit;
                }
                _validValue = proposal.BlockHash;
                _validParts = proposal.Parts;
                _validRound = _round;
                return true;
            }
        }
        if (_step == RoundStep.Prevote && Quorum.IsSuper(prevotes.PowerFor(null), total))
        {
            CastVote(VoteType.Precommit, null);
            _step = RoundStep.Precommit;
            return true;
        }
        return false;
    }

    // Lines 34 and 47: a quorum of votes for anything starts the timer that ends the wait for a quorum for one value.
    private bool TryScheduleWaits()
    {
        ulong total = _validators!.TotalPower;
        if (_step == RoundStep.Prevote && _prevoteWaitRound != _round && Quorum.IsSuper(_messages.Votes(_round, VoteType.Prevote).TotalPower, total))
        {
            _prevoteWaitRound = _round;
            Schedule(TimeoutKind.Prevote);
            return true;
        }
        if (_precommitWaitRound != _round && Quorum.IsSuper(_messages.Votes(_round, VoteType.Precommit).TotalPower, total))
        {
            _precommitWaitRound = _round;
            Schedule(TimeoutKind.Precommit);
            return true;
        }
        return false;
    }

    private bool IsValid(Hash32 value) => ValidityOf(value) == true;

    private bool? ValidityOf(Hash32 value) => _validity.TryGetValue(value, out bool valid) ? valid : null;
}
