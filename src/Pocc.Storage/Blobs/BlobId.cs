using Pocc.Core.Hashing;
using Pocc.Core.Merkle;

namespace Pocc.Storage.Blobs;

/// <summary>
/// A blob's identity as the chain records it: the Merkle root over its chunks and its size in bytes.
/// A blob is cut into <see cref="ChunkSize"/> chunks (the last one shorter, none at all for the empty blob); each
/// chunk's leaf is <see cref="Blake3Hash.Leaf"/> of its bytes and the root is <see cref="MerkleTree.ComputeRoot"/> over
/// the leaves, so the empty blob is (<see cref="Hash32.Zero"/>, 0).
/// </summary>
/// <remarks>
/// The size is part of the identity because a Merkle root alone does not commit to how many leaves it has: a chunk
/// proof checks against the root and a leaf count, and only a committed size fixes that count (and the length of the
/// last chunk). Whole-blob checks need only the root, since hashing all the bytes rebuilds the whole tree.
/// </remarks>
public readonly record struct BlobId(Hash32 Root, long Size)
{
    /// <summary>Every chunk but the last is exactly this long (256 KiB).</summary>
    public const int ChunkSize = 256 * 1024;

    /// <summary>The largest size whose chunk count still fits a <see cref="MerkleProof.LeafCount"/>.</summary>
    public const long MaxSize = (long)int.MaxValue * ChunkSize;

    /// <summary>The empty blob: no chunks, root <see cref="Hash32.Zero"/>.</summary>
    public static readonly BlobId Empty = new(Hash32.Zero, 0);

    public int ChunkCount => ChunkCountFor(Size);

    /// <summary>How many chunks a blob of <paramref name="size"/> bytes has.</summary>
    public static int ChunkCountFor(long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, MaxSize);
        return (int)((size + ChunkSize - 1) / ChunkSize);
    }

    /// <summary>Where chunk <paramref name="index"/> starts in the blob.</summary>
    public long ChunkOffset(int index)
    {
        CheckIndex(index);
        return (long)index * ChunkSize;
    }

    /// <summary>How long chunk <paramref name="index"/> is: <see cref="ChunkSize"/> except for a shorter last chunk.</summary>
    public int ChunkLength(int index)
    {
        CheckIndex(index);
        return (int)Math.Min(ChunkSize, Size - (long)index * ChunkSize);
    }

    public override string ToString() => $"{Root}:{Size}";

    private void CheckIndex(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, ChunkCount);
    }
}
