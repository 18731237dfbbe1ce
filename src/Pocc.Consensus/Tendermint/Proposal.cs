using Pocc.Core.Addressing;
using Pocc.Core.Crypto;
using Pocc.Core.Encoding;
using Pocc.Core.Hashing;
using Pocc.Ledger.Consensus;
using Pocc.Ledger.Primitives;

namespace Pocc.Consensus.Tendermint;

/// <summary>
/// The round's proposer naming the block (by hash) it proposes and the <see cref="PartSetHeader"/> of the parts the
/// block travels in. <see cref="ValidRound"/> is the round in which the proposer saw the block get a quorum of
/// prevotes, or <see cref="NoRound"/>; it lets locked validators unlock. Consensus only needs the block's hash.
/// </summary>
public sealed record Proposal(Height Height, int Round, Hash32 BlockHash, PartSetHeader Parts, int ValidRound, Address Proposer, Signature Signature)
    : ICanonical<Proposal>
{
    public const byte Version = 2;

    /// <summary>The paper's −1: no round in which the value was seen valid.</summary>
    public const int NoRound = -1;

    public const int MaxEncodedSize = 1 + 8 + 4 + Hash32.Size + PartSetHeader.EncodedSize + 4 + Address.Size + Signature.Size;

    // −1 goes over the wire as u32.MaxValue: one fixed-width encoding, and a decoder can tell it from any real round.
    private const uint NoRoundWire = uint.MaxValue;

    private static readonly byte[] SigningDomain = "pocc/proposal/v2\0"u8.ToArray();

    public static byte[] SigningBytes(ChainId chainId, Height height, int round, Hash32 blockHash, PartSetHeader parts, int validRound)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(round);
        ArgumentOutOfRangeException.ThrowIfLessThan(validRound, NoRound);
        var writer = new CanonicalWriter(128);
        writer.WriteFixed(SigningDomain);
        writer.WriteString(chainId.Value);
        writer.WriteU64(height.Value);
        writer.WriteU32((uint)round);
        writer.WriteHash(blockHash);
        parts.Write(ref writer);
        writer.WriteU32(validRound == NoRound ? NoRoundWire : (uint)validRound);
        return writer.ToArray();
    }

    public static Proposal Sign(ChainId chainId, Height height, int round, Hash32 blockHash, PartSetHeader parts, int validRound, KeyPair key) =>
        new(height, round, blockHash, parts, validRound, key.Address, key.Sign(SigningBytes(chainId, height, round, blockHash, parts, validRound)));

    public byte[] SigningBytes(ChainId chainId) => SigningBytes(chainId, Height, Round, BlockHash, Parts, ValidRound);

    public bool Verify(ChainId chainId, PublicKey publicKey) =>
        publicKey.Address == Proposer && Ed25519.Verify(publicKey, SigningBytes(chainId), Signature);

    public void Write(ref CanonicalWriter writer)
    {
        writer.WriteU8(Version);
        writer.WriteU64(Height.Value);
        writer.WriteU32(checked((uint)Round));
        writer.WriteHash(BlockHash);
        Parts.Write(ref writer);
        writer.WriteU32(ValidRound == NoRound ? NoRoundWire : checked((uint)ValidRound));
        writer.WriteAddress(Proposer);
        writer.WriteFixed(Signature.Bytes);
    }

    public static Proposal Read(ref CanonicalReader reader)
    {
        reader.ReadVersion(Version, "proposal");
        var height = new Height(reader.ReadU64());
        int round = Vote.ReadRound(ref reader);
        var blockHash = reader.ReadHash();
        var parts = PartSetHeader.Read(ref reader);
        uint validRound = reader.ReadU32();
        // The paper only ever proposes with validRound < round; anything else is not a message an honest node makes.
        if (validRound != NoRoundWire && validRound >= (uint)round)
        {
            throw new CodecException(CodecException.InvalidValue, $"proposal: valid round {validRound} is not below round {round}");
        }
        var proposer = reader.ReadAddress();
        var signature = new Signature(reader.ReadFixed(Signature.Size));
        return new Proposal(height, round, blockHash, parts, validRound == NoRoundWire ? NoRound : (int)validRound, proposer, signature);
    }

    public static Proposal Decode(ReadOnlySpan<byte> bytes) => Canonical.Decode<Proposal>(bytes, MaxEncodedSize);
}
