using Pocc.Core.Addressing;
using Pocc.Core.Crypto;
using Pocc.Core.Encoding;
using Pocc.Core.Hashing;
using Pocc.Ledger.Primitives;

namespace Pocc.Ledger.Blocks;

/// <summary>One validator's precommit signature inside a <see cref="Commit"/>.</summary>
public readonly record struct CommitSignature(Address Validator, Signature Signature);

/// <summary>
/// The proof that a block is final: signatures over (chain, height, round, block hash) from validators holding
/// more than two thirds of the voting power. Its hash goes into the next header.
/// </summary>
public sealed record Commit(Height Height, uint Round, Hash32 BlockHash, IReadOnlyList<CommitSignature> Signatures) : ICanonical<Commit>
{
    public const byte Version = 1;
    public const int MaxSignatures = 1_000;
    public const int MaxEncodedSize = 64 + MaxSignatures * (Address.Size + Signature.Size + 4);

    private static readonly byte[] SigningDomain = "pocc/precommit/v1\0"u8.ToArray();

    public Hash32 Hash => Blake3Hash.Of(Canonical.Encode(this));

    /// <summary>What each validator signs: a domain tag, the chain id, height, round and block hash.</summary>
    public static byte[] SigningBytes(ChainId chainId, Height height, uint round, Hash32 blockHash)
    {
        var writer = new CanonicalWriter(128);
        writer.WriteFixed(SigningDomain);
        writer.WriteString(chainId.Value);
        writer.WriteU64(height.Value);
        writer.WriteU32(round);
        writer.WriteHash(blockHash);
        return writer.ToArray();
    }

    public void Write(ref CanonicalWriter writer)
    {
        writer.WriteU8(Version);
        writer.WriteU64(Height.Value);
        writer.WriteU32(Round);
        writer.WriteHash(BlockHash);
        writer.WriteLength(Signatures.Count);
        foreach (var signature in Signatures)
        {
            writer.WriteAddress(signature.Validator);
            writer.WriteFixed(signature.Signature.Bytes);
        }
    }

    public static Commit Read(ref CanonicalReader reader)
    {
        reader.ReadVersion(Version, "commit");
        var height = new Height(reader.ReadU64());
        uint round = reader.ReadU32();
        var blockHash = reader.ReadHash();
        int count = reader.ReadLength(MaxSignatures);
        var signatures = new CommitSignature[count];
        for (int i = 0; i < count; i++)
        {
            signatures[i] = new CommitSignature(reader.ReadAddress(), new Signature(reader.ReadFixed(Signature.Size)));
            // Sorted by validator address, each at most once: one canonical order, no double-counted power.
            if (i > 0 && signatures[i].Validator.CompareTo(signatures[i - 1].Validator) <= 0)
            {
                throw new CodecException(CodecException.NonCanonical, "commit signatures must be sorted by validator address without repeats");
            }
        }
        return new Commit(height, round, blockHash, signatures);
    }
}
