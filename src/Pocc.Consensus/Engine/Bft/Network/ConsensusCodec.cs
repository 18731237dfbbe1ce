using Pocc.Consensus.Tendermint;
using Pocc.Core.Encoding;
using Pocc.Ledger.Blocks;
using Pocc.Ledger.Consensus;
using Pocc.Ledger.Primitives;

namespace Pocc.Consensus.Engine.Bft.Network;

/// <summary>
/// Canonical wire encodings of <see cref="ConsensusMessage"/>s, each starting with <see cref="Version"/>:
/// proposal = proposal bytes, block bytes, optional parent commit; vote = vote bytes; block request = u64 height;
/// block response = block bytes, commit bytes, optional parent commit. Nested objects are u32-length-prefixed and
/// bounded by their own maximum size; an optional commit is a presence byte (0 or 1) before it.
/// </summary>
public static class ConsensusCodec
{
    public const byte Version = 1;

    /// <summary>The message type and payload of <paramref name="message"/>.</summary>
    public static (byte Type, byte[] Payload) Encode(ConsensusMessage message)
    {
        var writer = new CanonicalWriter();
        writer.WriteU8(Version);
        byte type;
        switch (message)
        {
            case ProposalMessage proposal:
                type = ConsensusMessageTypes.Proposal;
                writer.WriteBytes(Canonical.Encode(proposal.Proposal));
                writer.WriteBytes(proposal.Block.Encode());
                WriteOptionalCommit(ref writer, proposal.ParentCommit);
                break;
            case VoteMessage vote:
                type = ConsensusMessageTypes.Vote;
                writer.WriteBytes(Canonical.Encode(vote.Vote));
                break;
            case BlockRequest request:
                type = ConsensusMessageTypes.BlockRequest;
                writer.WriteU64(request.Requested.Value);
                break;
            case BlockResponse response:
                type = ConsensusMessageTypes.BlockResponse;
                writer.WriteBytes(response.Block.Encode());
                writer.WriteBytes(Canonical.Encode(response.Commit));
                WriteOptionalCommit(ref writer, response.ParentCommit);
                break;
            default:
                throw new ArgumentException($"no wire encoding for {message.GetType().Name}", nameof(message));
        }
        return (type, writer.ToArray());
    }

    /// <summary>Decodes a payload of a consensus <paramref name="type"/>; throws <see cref="CodecException"/> for anything not canonical.</summary>
    public static ConsensusMessage Decode(byte type, ReadOnlySpan<byte> payload)
    {
        if (!ConsensusMessageTypes.IsConsensus(type))
        {
            throw new CodecException(CodecException.InvalidValue, $"message type {type} is not a consensus type");
        }
        if (payload.Length > ConsensusMessageTypes.MaxPayload(type))
        {
            throw new CodecException(CodecException.TooLarge, $"payload of {payload.Length} bytes exceeds the limit for type {type}");
        }
        var reader = new CanonicalReader(payload);
        reader.ReadVersion(Version, "consensus message");
        ConsensusMessage message = type switch
        {
            ConsensusMessageTypes.Proposal => new ProposalMessage(
                Proposal.Decode(reader.ReadBytes(Proposal.MaxEncodedSize)),
                Block.Decode(reader.ReadBytes(Block.MaxEncodedSize)),
                ReadOptionalCommit(ref reader)),
            ConsensusMessageTypes.Vote => new VoteMessage(Vote.Decode(reader.ReadBytes(Vote.MaxEncodedSize))),
            ConsensusMessageTypes.BlockRequest => new BlockRequest(new Height(reader.ReadU64())),
            _ => new BlockResponse(
                Block.Decode(reader.ReadBytes(Block.MaxEncodedSize)),
                ReadCommit(ref reader),
                ReadOptionalCommit(ref reader)),
        };
        reader.EnsureEnd();
        return message;
    }

    private static void WriteOptionalCommit(ref CanonicalWriter writer, Commit? commit)
    {
        writer.WriteBool(commit is not null);
        if (commit is not null)
        {
            writer.WriteBytes(Canonical.Encode(commit));
        }
    }

    private static Commit ReadCommit(ref CanonicalReader reader) =>
        Canonical.Decode<Commit>(reader.ReadBytes(Commit.MaxEncodedSize), Commit.MaxEncodedSize);

    private static Commit? ReadOptionalCommit(ref CanonicalReader reader) => reader.ReadBool() ? ReadCommit(ref reader) : null;
}
