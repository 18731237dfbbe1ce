namespace Pocc.Core.Hashing;

/// <summary>BLAKE3 for content ids and Merkle trees, with one-byte domain tags so a leaf can never pass for a node.</summary>
public static class Blake3Hash
{
    private const byte LeafTag = 0x00;
    private const byte NodeTag = 0x01;

    /// <summary>Plain BLAKE3 of <paramref name="data"/>.</summary>
    public static Hash32 Of(ReadOnlySpan<byte> data)
    {
        Span<byte> digest = stackalloc byte[Hash32.Size];
        Blake3.Hasher.Hash(data, digest);
        return new Hash32(digest);
    }

    /// <summary>BLAKE3(0x00 ‖ data): the hash of a Merkle leaf.</summary>
    public static Hash32 Leaf(ReadOnlySpan<byte> data)
    {
        using var hasher = Blake3.Hasher.New();
        ReadOnlySpan<byte> tag = [LeafTag];
        hasher.Update(tag);
        hasher.Update(data);
        Span<byte> digest = stackalloc byte[Hash32.Size];
        hasher.Finalize(digest);
        return new Hash32(digest);
    }

    /// <summary>BLAKE3(0x01 ‖ left ‖ right): the hash of an inner Merkle node.</summary>
    public static Hash32 Node(Hash32 left, Hash32 right)
    {
        Span<byte> buffer = stackalloc byte[1 + 2 * Hash32.Size];
        buffer[0] = NodeTag;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + Hash32.Size)..]);
        return Of(buffer);
    }
}
