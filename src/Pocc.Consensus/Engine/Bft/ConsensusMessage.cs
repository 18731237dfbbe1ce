using Pocc.Consensus.Tendermint;
using Pocc.Core.Merkle;
using Pocc.Ledger.Blocks;
using Pocc.Ledger.Consensus;
using Pocc.Ledger.Primitives;

namespace Pocc.Consensus.Engine.Bft;

/// <summary>What validators send each other; <see cref="Height"/> lets the engine buffer or drop it before decoding its meaning.</summary>
public abstract record ConsensusMessage(Height Height);

/// <summary>
/// A signed proposal; its block follows in <see cref="BlockPartMessage"/>s checked against the part set header it
/// signs. The commit of the previous height that the block names (by hash) comes along, since validators may hold
/// different ones.
/// </summary>
public sealed record ProposalMessage(Proposal Proposal, Commit? ParentCommit) : ConsensusMessage(Proposal.Height);

/// <summary>
/// One part of the block proposed at <see cref="ConsensusMessage.Height"/> and <paramref name="Round"/>: its bytes and
/// the Merkle proof (which names its index and the part count) against the root the proposal signs.
/// </summary>
public sealed record BlockPartMessage(Height Height, int Round, byte[] Bytes, MerkleProof Proof) : ConsensusMessage(Height)
{
    public int Index => Proof.LeafIndex;
}

/// <summary>A prevote or precommit.</summary>
public sealed record VoteMessage(Vote Vote) : ConsensusMessage(Vote.Height);

/// <summary>A node that saw messages for a later height asks for the committed block at <see cref="ConsensusMessage.Height"/>.</summary>
public sealed record BlockRequest(Height Requested) : ConsensusMessage(Requested);

/// <summary>
/// The commit that finalized a block, the part set header of that block (whose parts follow as
/// <see cref="BlockPartMessage"/>s of the commit's round) and the previous height's commit the block names; once the
/// parts make the block the commit names, the receiver verifies them through <c>Blockchain.AdoptLastCommit</c> and
/// <c>Blockchain.Apply</c>.
/// </summary>
public sealed record BlockResponse(Commit Commit, PartSetHeader Parts, Commit? ParentCommit) : ConsensusMessage(Commit.Height);
