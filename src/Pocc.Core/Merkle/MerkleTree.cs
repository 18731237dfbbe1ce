using System.Buffers;
using Pocc.Core.Hashing;

namespace Pocc.Core.Merkle;

/// <summary>
/// A binary Merkle tree over an ordered list (transactions in a block, results in a batch). Leaves are
/// <see cref="Blake3Hash.Leaf"/> of the data, inner nodes <see cref="Blake3Hash.Node"/>. The last node of an odd-sized
/// level is promoted unchanged rather than paired with itself, so no two different lists share a root by duplication
/// (the CVE-2012-2459 ambiguity). The root does not commit to the leaf count: where a leaf's position matters,
/// commit the count next to the root (as a block header does) and check <see cref="MerkleProof.LeafCount"/> against it.
/// </summary>
public static class MerkleTree
{
    /// <summary>The leaf hashes of raw leaf data, ready for <see cref="ComputeRoot"/> or <see cref="Prove"/>.</summary>
    public static Hash32[] HashLeaves(IReadOnlyList<byte[]> leaves)
    {
        ArgumentNullException.ThrowIfNull(leaves);
        var hashes = new Hash32[leaves.Count];
        for (int i = 0; i < hashes.Length; i++)
        {
            hashes[i] = Blake3Hash.Leaf(leaves[i]);
        }
        return hashes;
    }

    /// <summary>The root over already-hashed leaves; <see cref="Hash32.Zero"/> for an empty list.</summary>
    public static Hash32 ComputeRoot(IReadOnlyList<Hash32> leafHashes)
    {
        ArgumentNullException.ThrowIfNull(leafHashes);
        int count = leafHashes.Count;
        if (count == 0)
        {
            return Hash32.Zero;
        }
        Hash32[] scratch = ArrayPool<Hash32>.Shared.Rent(count);
        try
        {
            Span<Hash32> level = CopyLeaves(leafHashes, scratch);
            while (level.Length > 1)
            {
                level = ReduceInPlace(level);
            }
            return level[0];
        }
        finally
        {
            ArrayPool<Hash32>.Shared.Return(scratch);
        }
    }

    /// <summary>The siblings that take leaf <paramref name="index"/> to the root, lowest level first.</summary>
    public static MerkleProof Prove(IReadOnlyList<Hash32> leafHashes, int index)
    {
        ArgumentNullException.ThrowIfNull(leafHashes);
        int count = leafHashes.Count;
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, count);

        var siblings = new List<Hash32>(32 - int.LeadingZeroCount(count));
        Hash32[] scratch = ArrayPool<Hash32>.Shared.Rent(count);
        try
        {
            Span<Hash32> level = CopyLeaves(leafHashes, scratch);
            int position = index;
            while (level.Length > 1)
            {
                int sibling = position ^ 1;
                // A promoted node (last of an odd level) has no sibling at this level.
                if (sibling < level.Length)
                {
                    siblings.Add(level[sibling]);
                }
                level = ReduceInPlace(level);
                position >>= 1;
            }
        }
        finally
        {
            ArrayPool<Hash32>.Shared.Return(scratch);
        }
        return new MerkleProof(index, count, siblings);
    }

    private static Span<Hash32> CopyLeaves(IReadOnlyList<Hash32> leafHashes, Hash32[] scratch)
    {
        int count = leafHashes.Count;
        if (leafHashes is Hash32[] array)
        {
            array.CopyTo(scratch, 0);
        }
        else
        {
            for (int i = 0; i < count; i++)
            {
                scratch[i] = leafHashes[i];
            }
        }
        return scratch.AsSpan(0, count);
    }

    // Writing parent i only after reading children 2i and 2i+1 (both >= i) makes the in-place update safe.
    private static Span<Hash32> ReduceInPlace(Span<Hash32> level)
    {
        int pairs = level.Length / 2;
        for (int i = 0; i < pairs; i++)
        {
            level[i] = Blake3Hash.Node(level[2 * i], level[2 * i + 1]);
        }
        if ((level.Length & 1) != 0)
        {
            level[pairs] = level[^1];
            return level[..(pairs + 1)];
        }
        return level[..pairs];
    }
}
