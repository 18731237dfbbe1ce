using Pocc.Core.Encoding;
using Pocc.Core.Hashing;

namespace Pocc.Core.Merkle;

/// <summary>
/// Proof that a leaf sits at <see cref="LeafIndex"/> in a <see cref="MerkleTree"/> of <see cref="LeafCount"/> leaves.
/// <see cref="Siblings"/> run from the leaf level up to the root; levels where the path node is promoted
/// (last of an odd level) contribute no sibling, so the count alone fixes how many siblings there must be.
/// </summary>
public sealed record MerkleProof(int LeafIndex, int LeafCount, IReadOnlyList<Hash32> Siblings) : ICanonical<MerkleProof>
{
    public const byte Version = 1;

    /// <summary>A path through a tree of at most <see cref="int.MaxValue"/> leaves has at most 31 siblings.</summary>
    public const int MaxSiblings = 31;

    public const int MaxEncodedSize = 1 + 4 + 4 + 4 + MaxSiblings * Hash32.Size;

    /// <summary>
    /// True if <paramref name="leafHash"/> at this index and count hashes up to <paramref name="root"/> using exactly
    /// the given siblings. The root does not commit to the count, so check <see cref="LeafCount"/> against a committed count
    /// where position matters.
    /// </summary>
    public bool Verify(Hash32 root, Hash32 leafHash)
    {
        if (LeafIndex < 0 || LeafIndex >= LeafCount)
        {
            return false;
        }
        Hash32 node = leafHash;
        int position = LeafIndex;
        int width = LeafCount;
        int used = 0;
        while (width > 1)
        {
            bool promoted = position == width - 1 && (width & 1) != 0;
            if (!promoted)
            {
                if (used == Siblings.Count)
                {
                    return false;
                }
                Hash32 sibling = Siblings[used++];
                node = (position & 1) == 0 ? Blake3Hash.Node(node, sibling) : Blake3Hash.Node(sibling, node);
            }
            position >>= 1;
            width = (width + 1) >> 1;
        }
        return used == Siblings.Count && node == root;
    }

    public void Write(ref CanonicalWriter writer)
    {
        writer.WriteU8(Version);
        writer.WriteU32(checked((uint)LeafIndex));
        writer.WriteU32(checked((uint)LeafCount));
        writer.WriteLength(Siblings.Count);
        foreach (var sibling in Siblings)
        {
            writer.WriteHash(sibling);
        }
    }

    public static MerkleProof Read(ref CanonicalReader reader)
    {
        reader.ReadVersion(Version, "merkle proof");
        uint index = reader.ReadU32();
        uint count = reader.ReadU32();
        if (index >= count || count > int.MaxValue)
        {
            throw new CodecException(CodecException.InvalidValue, $"leaf index {index} is outside a tree of {count} leaves");
        }
        var siblings = new Hash32[reader.ReadLength(MaxSiblings)];
        for (int i = 0; i < siblings.Length; i++)
        {
            siblings[i] = reader.ReadHash();
        }
        return new MerkleProof((int)index, (int)count, siblings);
    }
}
