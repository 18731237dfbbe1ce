using Pocc.Consensus.Tendermint;
using Pocc.Core.Encoding;
using Pocc.Core.Merkle;
using Pocc.Ledger.Blocks;
using Pocc.Ledger.Consensus;
using Pocc.Ledger.Primitives;

namespace Pocc.Consensus.Engine.Bft.Network;

/// <summary>
/// Canonical wire encodings of <see cref="ConsensusMessage"/>s, each starting with <see cref="Version"/>:
/// proposal = proposal bytes, optional parent commit; block part = u64 height, u32 round, part bytes, Merkle proof
/// bytes; vote = vote bytes; block request = u64 height; block response = commit bytes, part set header, optional
/// parent commit. Nested objects are u32-length-prefixed and bounded by their own maximum size; an optional commit is a
/// presence byte (0 or 1) before it.
/// </summary>
public static class ConsensusCodec
{
    public const byte Version = 2;

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
                WriteOptionalCommit(ref writer, proposal.ParentCommit);
                break;
            case BlockPartMessage part:
                type = ConsensusMessageTypes.BlockPart;
                writer.WriteU64(part.Height.Value);
                writer.WriteU32(checked((uint)part.Round));
                writer.WriteBytes(part.Bytes);
                writer.WriteBytes(Canonical.Encode(part.Proof));
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
                writer.WriteBytes(Canonical.Encode(response.Commit));
                response.Parts.Write(ref writer);
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
            ConsensusMessageTypes.Proposal => new ProposalMessage(Proposal.Decode(reader.ReadBytes(Proposal.MaxEncodedSize)), ReadOptionalCommit(ref reader)),
            ConsensusMessageTypes.BlockPart => ReadPart(ref reader),
            ConsensusMessageTypes.Vote => new VoteMessage(Vote.Decode(reader.ReadBytes(Vote.MaxEncodedSize))),
            ConsensusMessageTypes.BlockRequest => new BlockRequest(new Height(reader.ReadU64())),
            _ => new BlockResponse(ReadCommit(ref reader), PartSetHeader.Read(ref reader), ReadOptionalCommit(ref reader)),
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

    private static BlockPartMessage ReadPart(ref CanonicalReader reader)
    {
        var height = new Height(reader.ReadU64());
        int round = Vote.ReadRound(ref reader);
        byte[] bytes = reader.ReadBytes(PartSetHeader.PartSize).ToArray();
        var proof = Canonical.Decode<MerkleProof>(reader.ReadBytes(MerkleProof.MaxEncodedSize), MerkleProof.MaxEncodedSize);
        if (bytes.Length == 0 || proof.LeafCount > PartSetHeader.MaxTotal)
        {
            throw new CodecException(CodecException.InvalidValue, $"block part of {bytes.Length} bytes, {proof.LeafCount} parts");
        }
        return new BlockPartMessage(height, round, bytes, proof);
    }

    private static Commit ReadCommit(ref CanonicalReader reader) =>
        Canonical.Decode<Commit>(reader.ReadBytes(Commit.MaxEncodedSize), Commit.MaxEncodedSize);

    private static Commit? ReadOptionalCommit(ref CanonicalReader reader) => reader.ReadBool() ? ReadCommit(ref reader) : null;
}
