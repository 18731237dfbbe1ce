using Pocc.Consensus.Tendermint;
using Pocc.Core.Merkle;
using Pocc.Ledger.Blocks;
using Pocc.Ledger.Consensus;
using Pocc.Network.Framing;
using Pocc.Network.Peers;

namespace Pocc.Consensus.Engine.Bft.Network;

/// <summary>
/// The transport message types of consensus (one per <see cref="ConsensusMessage"/> kind, in the application range
/// 16–255) and the largest payload each encoding can need, so frame limits admit every valid message and nothing more.
/// </summary>
public static class ConsensusMessageTypes
{
    /// <summary><see cref="ProposalMessage"/>.</summary>
    public const byte Proposal = 0x10;

    /// <summary><see cref="VoteMessage"/>.</summary>
    public const byte Vote = 0x11;

    /// <summary><see cref="Bft.BlockRequest"/>.</summary>
    public const byte BlockRequest = 0x12;

    /// <summary><see cref="Bft.BlockResponse"/>.</summary>
    public const byte BlockResponse = 0x13;

    /// <summary><see cref="BlockPartMessage"/> (0x14 is transaction gossip's).</summary>
    public const byte BlockPart = 0x15;

    // Each length prefix is a u32; an optional commit adds a presence byte.
    private const int Prefix = 4;
    private const int OptionalCommit = 1 + Prefix + Commit.MaxEncodedSize;

    public const int MaxProposalPayload = 1 + Prefix + Tendermint.Proposal.MaxEncodedSize + OptionalCommit;

    public const int MaxBlockPartPayload = 1 + 8 + 4 + Prefix + PartSetHeader.PartSize + Prefix + MerkleProof.MaxEncodedSize;

    public const int MaxVotePayload = 1 + Prefix + Ledger.Consensus.Vote.MaxEncodedSize;

    public const int MaxBlockRequestPayload = 1 + 8;

    public const int MaxBlockResponsePayload = 1 + Prefix + Commit.MaxEncodedSize + PartSetHeader.EncodedSize + OptionalCommit;

    /// <summary>Every consensus type, for registering with a <see cref="Pocc.Network.MessageDispatcher"/>.</summary>
    public static IReadOnlyList<byte> All { get; } = [Proposal, Vote, BlockRequest, BlockResponse, BlockPart];

    public static bool IsConsensus(byte type) => type is >= Proposal and <= BlockResponse or BlockPart;

    /// <summary>The largest payload of <paramref name="type"/>, one of the consensus types.</summary>
    public static int MaxPayload(byte type) => type switch
    {
        Proposal => MaxProposalPayload,
        Vote => MaxVotePayload,
        BlockRequest => MaxBlockRequestPayload,
        BlockResponse => MaxBlockResponsePayload,
        BlockPart => MaxBlockPartPayload,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a consensus message type"),
    };

    /// <summary>
    /// <paramref name="options"/> with each consensus type limited to exactly what its encoding can need, and every
    /// other type kept at the limit it had. Blocks travel in parts, so every consensus message fits under the global
    /// limit (a per-type limit cannot exceed it), which stays as it was.
    /// </summary>
    public static NetworkOptions WithConsensusLimits(this NetworkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var old = options.FrameLimits;
        var perType = new Dictionary<byte, int>();
        for (int type = 0; type <= byte.MaxValue; type++)
        {
            perType[(byte)type] = IsConsensus((byte)type) ? MaxPayload((byte)type) : old.MaxFor((byte)type);
        }
        return options with { FrameLimits = new FrameLimits(old.GlobalMax, perType) };
    }
}
