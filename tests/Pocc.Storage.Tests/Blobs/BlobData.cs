using Pocc.Core.Hashing;
using Pocc.Core.Merkle;
using Pocc.Storage.Blobs;

namespace Pocc.Storage.Tests.Blobs;

/// <summary>Test content and an independent reference for blob roots and the store's files.</summary>
internal static class BlobData
{
    public const int Chunk = BlobId.ChunkSize;

    /// <summary>Deterministic pseudo-random bytes, different for each seed.</summary>
    public static byte[] Random(long length, int seed = 1)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>The root computed the slow, obvious way: cut into 256 KiB pieces, leaf-hash each, Merkle over the leaves.</summary>
    public static Hash32 ReferenceRoot(byte[] content)
    {
        var leaves = new List<Hash32>();
        for (int offset = 0; offset < content.Length; offset += 256 * 1024)
        {
            leaves.Add(Blake3Hash.Leaf(content.AsSpan(offset, Math.Min(256 * 1024, content.Length - offset))));
        }
        return MerkleTree.ComputeRoot(leaves);
    }

    /// <summary>Every file under the store directory, relative to it (tmp/ included), sorted.</summary>
    public static List<string> Files(string directory) =>
        [.. Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(directory, f)).Order(StringComparer.Ordinal)];

    /// <summary>The files a store holding exactly <paramref name="roots"/> has: each blob and its leaves sidecar, nothing else.</summary>
    public static List<string> ExpectedFiles(params Hash32[] roots) =>
        [.. roots.Distinct().SelectMany(r =>
        {
            string hex = r.ToString();
            string data = Path.Combine(hex[..2], hex[2..4], hex);
            return new[] { data, data + ".leaves" };
        }).Order(StringComparer.Ordinal)];
}

/// <summary>A stream that hands out its content a few bytes at a time, as a slow network would.</summary>
internal sealed class TrickleStream(byte[] content, int maxPiece) : Stream
{
    private int _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        int n = Math.Min(Math.Min(count, maxPiece), content.Length - _position);
        content.AsSpan(_position, n).CopyTo(buffer.AsSpan(offset));
        _position += n;
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>An endless stream of one byte value that counts how much was taken from it.</summary>
internal sealed class EndlessStream : Stream
{
    public long BytesRead { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        buffer.AsSpan(offset, count).Fill(0xAB);
        BytesRead += count;
        return count;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
