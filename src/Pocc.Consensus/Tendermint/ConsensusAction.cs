using Pocc.Core.Hashing;
using Pocc.Ledger.Blocks;
using Pocc.Ledger.Consensus;
using Pocc.Ledger.Primitives;

namespace Pocc.Consensus.Tendermint;

/// <summary>Something the state machine asks its host to do; the machine itself never does I/O.</summary>
public abstract record ConsensusAction;

/// <summary>Send this node's signed proposal to every validator (the block itself goes with it, by the host).</summary>
public sealed record BroadcastProposal(Proposal Proposal) : ConsensusAction;

/// <summary>Send this node's signed vote to every validator.</summary>
public sealed record BroadcastVote(Vote Vote) : ConsensusAction;

/// <summary>Deliver <see cref="TimeoutElapsed"/> with these fields after <paramref name="Duration"/>.</summary>
public sealed record ScheduleTimeout(TimeoutKind Kind, Height Height, int Round, TimeSpan Duration) : ConsensusAction;

/// <summary>Check the proposed block (fetch it if needed) and answer with <see cref="ProposalValidated"/>.</summary>
public sealed record ValidateProposal(Height Height, int Round, Hash32 BlockHash) : ConsensusAction;

/// <summary>This node proposes this round: build a block and answer with <see cref="ValueReady"/>.</summary>
public sealed record GetValue(Height Height, int Round) : ConsensusAction;

/// <summary>
/// The height is decided: commit the block with this hash. <paramref name="Certificate"/> holds the precommits that
/// decided it, sorted by validator, and passes <c>ValidatorSet.VerifyCommit</c>.
/// </summary>
public sealed record CommitDecision(Height Height, int Round, Hash32 BlockHash, Commit Certificate) : ConsensusAction;

/// <summary>A validator signed two conflicting votes; hand the evidence on for slashing.</summary>
public sealed record ReportEvidence(DuplicateVoteEvidence Evidence) : ConsensusAction;
