using Pocc.Core.Addressing;
using Pocc.Core.Crypto;
using Pocc.Core.Encoding;
using Pocc.Core.Hashing;
using Pocc.Ledger.Blocks;
using Pocc.Ledger.Primitives;

namespace Pocc.Ledger.Consensus;

/// <summary>The two voting steps of a Tendermint round.</summary>
public enum VoteType : byte
{
    Prevote = 1,
    Precommit = 2,
}

/// <summary>
/// A validator's signed prevote or precommit for a block hash, or for nothing (<see cref="BlockHash"/> null) at one
/// height and round. A non-nil precommit signs exactly <see cref="Commit.SigningBytes"/>, so a quorum of them is a
/// <see cref="Commit"/> the ledger verifies without knowing about votes.
/// </summary>
public sealed record Vote(VoteType Type, Height Height, int Round, Hash32? BlockHash, Address Validator, Signature Signature) : ICanonical<Vote>
{
    public const byte Version = 1;
    public const int MaxEncodedSize = 1 + 1 + 8 + 4 + 1 + Hash32.Size + Address.Size + Signature.Size;

    // Nil votes and prevotes get their own tags so that no signature can be replayed as a different kind of vote.
    private static readonly byte[] PrevoteDomain = "pocc/prevote/v1\0"u8.ToArray();
    private static readonly byte[] NilPrecommitDomain = "pocc/precommit-nil/v1\0"u8.ToArray();

    /// <summary>What a validator signs for this vote kind: a domain tag, the chain id, height, round and the value.</summary>
    public static byte[] SigningBytes(ChainId chainId, VoteType type, Height height, int round, Hash32? blockHash)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(round);
        if (type == VoteType.Precommit && blockHash is { } committed)
        {
            return Commit.SigningBytes(chainId, height, (uint)round, committed);
        }
        var writer = new CanonicalWriter(128);
        writer.WriteFixed(type == VoteType.Prevote ? PrevoteDomain : NilPrecommitDomain);
        writer.WriteString(chainId.Value);
        writer.WriteU64(height.Value);
        writer.WriteU32((uint)round);
        if (type == VoteType.Prevote)
        {
            WriteOptionalHash(ref writer, blockHash);
        }
        return writer.ToArray();
    }

    /// <summary>Signs a vote with <paramref name="key"/>; the validator is the key's address.</summary>
    public static Vote Sign(ChainId chainId, VoteType type, Height height, int round, Hash32? blockHash, KeyPair key) =>
        new(type, height, round, blockHash, key.Address, key.Sign(SigningBytes(chainId, type, height, round, blockHash)));

    public byte[] SigningBytes(ChainId chainId) => SigningBytes(chainId, Type, Height, Round, BlockHash);

    /// <summary>True when <paramref name="publicKey"/> belongs to <see cref="Validator"/> and signed this vote on <paramref name="chainId"/>.</summary>
    public bool Verify(ChainId chainId, PublicKey publicKey) =>
        publicKey.Address == Validator && Ed25519.Verify(publicKey, SigningBytes(chainId), Signature);

    public void Write(ref CanonicalWriter writer)
    {
        writer.WriteU8(Version);
        writer.WriteU8((byte)Type);
        writer.WriteU64(Height.Value);
        writer.WriteU32(checked((uint)Round));
        WriteOptionalHash(ref writer, BlockHash);
        writer.WriteAddress(Validator);
        writer.WriteFixed(Signature.Bytes);
    }

    public static Vote Read(ref CanonicalReader reader)
    {
        reader.ReadVersion(Version, "vote");
        byte type = reader.ReadU8();
        if (type is not ((byte)VoteType.Prevote or (byte)VoteType.Precommit))
        {
            throw new CodecException(CodecException.InvalidValue, $"vote: unknown vote type {type}");
        }
        var height = new Height(reader.ReadU64());
        int round = ReadRound(ref reader);
        var blockHash = reader.ReadBool() ? reader.ReadHash() : (Hash32?)null;
        var validator = reader.ReadAddress();
        var signature = new Signature(reader.ReadFixed(Signature.Size));
        return new Vote((VoteType)type, height, round, blockHash, validator, signature);
    }

    public static Vote Decode(ReadOnlySpan<byte> bytes) => Canonical.Decode<Vote>(bytes, MaxEncodedSize);

    public static void WriteOptionalHash(ref CanonicalWriter writer, Hash32? hash)
    {
        writer.WriteBool(hash.HasValue);
        if (hash is { } value)
        {
            writer.WriteHash(value);
        }
    }

    /// <summary>Rounds travel as u32 but are ints in memory; the upper half of the range has no meaning and is refused.</summary>
    public static int ReadRound(ref CanonicalReader reader)
    {
        uint round = reader.ReadU32();
        if (round > int.MaxValue)
        {
            throw new CodecException(CodecException.InvalidValue, $"round {round} is out of range");
        }
        return (int)round;
    }
}
