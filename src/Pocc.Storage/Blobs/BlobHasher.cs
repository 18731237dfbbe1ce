using System.Buffers;
using Pocc.Core.Hashing;
using Pocc.Core.Merkle;

namespace Pocc.Storage.Blobs;

/// <summary>
/// Computes a <see cref="BlobId"/> over bytes fed in pieces of any size, holding at most one chunk and one leaf hash
/// per chunk (32 bytes per 256 KiB) in memory. Not thread-safe; dispose to return its buffer to the pool.
/// </summary>
public sealed class BlobHasher : IDisposable
{
    private readonly List<Hash32> _leaves = [];
    private byte[]? _partial;
    private int _partialLength;
    private long _size;
    private bool _completed;

    /// <summary>Bytes fed so far.</summary>
    public long Size => _size;

    /// <summary>The chunk leaf hashes so far (all of them after <see cref="Complete"/>), in chunk order.</summary>
    public IReadOnlyList<Hash32> LeafHashes => _leaves;

    /// <summary>The identity of <paramref name="content"/> held in memory.</summary>
    public static BlobId Compute(ReadOnlySpan<byte> content)
    {
        using var hasher = new BlobHasher();
        hasher.Append(content);
        return hasher.Complete();
    }

    /// <summary>The identity of everything <paramref name="content"/> yields, read to its end.</summary>
    public static async Task<BlobId> ComputeAsync(Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var hasher = new BlobHasher();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BlobId.ChunkSize);
        try
        {
            int read;
            while ((read = await content.ReadAsync(buffer.AsMemory(0, BlobId.ChunkSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                hasher.Append(buffer.AsSpan(0, read));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return hasher.Complete();
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        EnsureOpen();
        if (_size + data.Length > BlobId.MaxSize)
        {
            throw new BlobException(BlobException.TooLarge, $"a blob is at most {BlobId.MaxSize} bytes");
        }
        _size += data.Length;
        if (_partialLength > 0)
        {
            int take = Math.Min(data.Length, BlobId.ChunkSize - _partialLength);
            data[..take].CopyTo(_partial.AsSpan(_partialLength));
            _partialLength += take;
            data = data[take..];
            if (_partialLength < BlobId.ChunkSize)
            {
                return;
            }
            _leaves.Add(Blake3Hash.Leaf(_partial.AsSpan(0, BlobId.ChunkSize)));
            _partialLength = 0;
        }
        // Whole chunks are hashed in place; only a trailing piece is copied, since it may be completed by the next call.
        while (data.Length >= BlobId.ChunkSize)
        {
            _leaves.Add(Blake3Hash.Leaf(data[..BlobId.ChunkSize]));
            data = data[BlobId.ChunkSize..];
        }
        if (!data.IsEmpty)
        {
            _partial ??= ArrayPool<byte>.Shared.Rent(BlobId.ChunkSize);
            data.CopyTo(_partial);
            _partialLength = data.Length;
        }
    }

    /// <summary>Hashes the last, shorter chunk if there is one and returns the blob's identity. Feeding more afterwards is a bug.</summary>
    public BlobId Complete()
    {
        EnsureOpen();
        if (_partialLength > 0)
        {
            _leaves.Add(Blake3Hash.Leaf(_partial.AsSpan(0, _partialLength)));
            _partialLength = 0;
        }
        _completed = true;
        ReturnBuffer();
        return new BlobId(MerkleTree.ComputeRoot(_leaves), _size);
    }

    public void Dispose()
    {
        _completed = true;
        ReturnBuffer();
    }

    private void EnsureOpen()
    {
        if (_completed)
        {
            throw new InvalidOperationException("the hasher is already complete");
        }
    }

    private void ReturnBuffer()
    {
        if (_partial is not null)
        {
            ArrayPool<byte>.Shared.Return(_partial);
            _partial = null;
        }
    }
}
