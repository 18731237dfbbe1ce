using Pocc.Core.Hashing;

namespace Pocc.Core.Merkle;

/// <summary>The leaf hash of the <see cref="SparseMerkleTree"/>, tagged apart from <see cref="Blake3Hash"/>'s leaves (0x00) and nodes (0x01).</summary>
public static class SparseMerkleHashing
{
    private const byte LeafTag = 0x02;

    /// <summary>BLAKE3(0x02 ‖ key ‖ valueHash). Committing to the full key lets a leaf sit high in the tree and still prove where it belongs.</summary>
    public static Hash32 Leaf(Hash32 key, Hash32 valueHash)
    {
        Span<byte> buffer = stackalloc byte[1 + 2 * Hash32.Size];
        buffer[0] = LeafTag;
        key.CopyTo(buffer[1..]);
        valueHash.CopyTo(buffer[(1 + Hash32.Size)..]);
        return Blake3Hash.Of(buffer);
    }
}
