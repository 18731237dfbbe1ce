using Pocc.Core.Encoding;
using Pocc.Core.Hashing;

namespace Pocc.Proofs.Stark;

/// <summary>
/// The sibling hashes that take a sorted set of opened rows of a <see cref="RowCommitment"/> to its root, each sent once:
/// level by level from the leaves up, and within a level in increasing position. A node that the opened rows already
/// determine is never sent, which is what keeps many openings of one tree much smaller than separate paths.
/// </summary>
public sealed record MerkleMultiProof(IReadOnlyList<Hash32> Siblings) : ICanonical<MerkleMultiProof>
{
    public const byte Version = 1;

    /// <summary>Far above any real opening (256 queries × 32 levels = 8,192), low enough to bound a decoder's allocation.</summary>
    public const int MaxSiblings = 1 << 16;

    public const int MaxEncodedSize = 1 + 4 + MaxSiblings * Hash32.Size;

    /// <summary>The canonical encoding's length: version, count, then the siblings.</summary>
    public int EncodedSize => 1 + 4 + Siblings.Count * Hash32.Size;

    public void Write(ref CanonicalWriter writer)
    {
        writer.WriteU8(Version);
        writer.WriteLength(Siblings.Count);
        foreach (Hash32 sibling in Siblings)
        {
            writer.WriteHash(sibling);
        }
    }

    public static MerkleMultiProof Read(ref CanonicalReader reader)
    {
        reader.ReadVersion(Version, "merkle multi-proof");
        int count = reader.ReadLength(MaxSiblings);
        // Checked against what is left before allocating, so a forged count cannot make us reserve megabytes.
        if ((long)count * Hash32.Size > reader.Remaining)
        {
            throw new CodecException(CodecException.Truncated, $"merkle multi-proof: {count} siblings need {count * Hash32.Size} bytes, {reader.Remaining} left");
        }
        var siblings = new Hash32[count];
        for (int i = 0; i < siblings.Length; i++)
        {
            siblings[i] = reader.ReadHash();
        }
        return new MerkleMultiProof(siblings);
    }

    /// <summary>Decodes exactly one proof from <paramref name="bytes"/>; throws <see cref="CodecException"/> on anything else.</summary>
    public static MerkleMultiProof Decode(ReadOnlySpan<byte> bytes) => Canonical.Decode<MerkleMultiProof>(bytes, MaxEncodedSize);

    public byte[] Encode() => Canonical.Encode(this);
}
