using Pocc.Core.Encoding;
using Pocc.Core.Hashing;

namespace Pocc.Core.Merkle;

/// <summary>
/// A <see cref="SparseMerkleTree"/> path for one key. <see cref="Siblings"/> run from the root down:
/// <c>Siblings[i]</c> is the hash of the subtree beside the path at depth i + 1, on the side opposite to key bit i.
/// The path ends after the last sibling, at <see cref="Leaf"/>: the one entry stored under that prefix, or null if
/// the subtree there is empty. The proof shows inclusion when that entry is the key itself, and non-inclusion when the
/// path ends empty or at an entry with a different key (which is then the only key under the shared prefix).
/// </summary>
public sealed record SparseMerkleProof(IReadOnlyList<Hash32> Siblings, KeyValuePair<Hash32, Hash32>? Leaf) : ICanonical<SparseMerkleProof>
{
    public const byte Version = 1;

    public const int MaxEncodedSize = 1 + 4 + SparseMerkleTree.KeyBits * Hash32.Size + 1 + 2 * Hash32.Size;

    /// <summary>True if the tree with <paramref name="root"/> maps <paramref name="key"/> to <paramref name="valueHash"/>.</summary>
    public bool VerifyInclusion(Hash32 root, Hash32 key, Hash32 valueHash)
    {
        if (Leaf is not { } leaf || leaf.Key != key || leaf.Value != valueHash || Siblings.Count > SparseMerkleTree.KeyBits)
        {
            return false;
        }
        return RootFrom(key, SparseMerkleHashing.Leaf(key, valueHash)) == root;
    }

    /// <summary>True if the tree with <paramref name="root"/> has no entry for <paramref name="key"/>.</summary>
    public bool VerifyNonInclusion(Hash32 root, Hash32 key)
    {
        if (Siblings.Count > SparseMerkleTree.KeyBits)
        {
            return false;
        }
        Hash32 end = Hash32.Zero;
        if (Leaf is { } other)
        {
            // The other entry must sit on this key's path; elsewhere it would say nothing about this key.
            if (other.Key == key || !SharePrefix(other.Key, key, Siblings.Count))
            {
                return false;
            }
            end = SparseMerkleHashing.Leaf(other.Key, other.Value);
        }
        return RootFrom(key, end) == root;
    }

    public void Write(ref CanonicalWriter writer)
    {
        writer.WriteU8(Version);
        writer.WriteLength(Siblings.Count);
        foreach (var sibling in Siblings)
        {
            writer.WriteHash(sibling);
        }
        writer.WriteBool(Leaf is not null);
        if (Leaf is { } leaf)
        {
            writer.WriteHash(leaf.Key);
            writer.WriteHash(leaf.Value);
        }
    }

    public static SparseMerkleProof Read(ref CanonicalReader reader)
    {
        reader.ReadVersion(Version, "sparse merkle proof");
        var siblings = new Hash32[reader.ReadLength(SparseMerkleTree.KeyBits)];
        for (int i = 0; i < siblings.Length; i++)
        {
            siblings[i] = reader.ReadHash();
        }
        KeyValuePair<Hash32, Hash32>? leaf = reader.ReadBool() ? new(reader.ReadHash(), reader.ReadHash()) : null;
        return new SparseMerkleProof(siblings, leaf);
    }

    private Hash32 RootFrom(Hash32 key, Hash32 node)
    {
        for (int depth = Siblings.Count - 1; depth >= 0; depth--)
        {
            node = key.GetBit(depth) ? Blake3Hash.Node(Siblings[depth], node) : Blake3Hash.Node(node, Siblings[depth]);
        }
        return node;
    }

    private static bool SharePrefix(Hash32 a, Hash32 b, int bits)
    {
        for (int i = 0; i < bits; i++)
        {
            if (a.GetBit(i) != b.GetBit(i))
            {
                return false;
            }
        }
        return true;
    }
}
