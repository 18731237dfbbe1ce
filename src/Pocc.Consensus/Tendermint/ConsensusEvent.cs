using Pocc.Core.Hashing;
using Pocc.Ledger.Consensus;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.State;

namespace Pocc.Consensus.Tendermint;

/// <summary>Something that happened to the consensus state machine; its host feeds these in one at a time.</summary>
public abstract record ConsensusEvent;

/// <summary>Begin deciding <paramref name="Height"/> with this validator set and proposer order, at round 0.</summary>
public sealed record Start(Height Height, ValidatorSet Validators, IProposerSelector Proposers) : ConsensusEvent;

/// <summary>A proposal arrived from the network (signature not yet checked; the machine checks it).</summary>
public sealed record ProposalReceived(Proposal Proposal) : ConsensusEvent;

/// <summary>A vote arrived from the network (signature not yet checked; the machine checks it).</summary>
public sealed record VoteReceived(Vote Vote) : ConsensusEvent;

/// <summary>A timer from a <see cref="ScheduleTimeout"/> action went off.</summary>
public sealed record TimeoutElapsed(TimeoutKind Kind, Height Height, int Round) : ConsensusEvent;

/// <summary>The host's answer to <see cref="ValidateProposal"/>: whether the block with this hash is valid at this height.</summary>
public sealed record ProposalValidated(Height Height, Hash32 BlockHash, bool Valid) : ConsensusEvent;

/// <summary>The host's answer to <see cref="GetValue"/>: the hash of a block it built (and holds) for this round, and the parts it travels in.</summary>
public sealed record ValueReady(Height Height, int Round, Hash32 BlockHash, PartSetHeader Parts) : ConsensusEvent;
