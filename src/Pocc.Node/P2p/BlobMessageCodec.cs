using Pocc.Core.Encoding;
using Pocc.Core.Hashing;
using Pocc.Core.Merkle;
using Pocc.Storage.Blobs;

namespace Pocc.Node.P2p;

/// <summary>A peer's request for chunk <see cref="Index"/> of the blob the chain names by <see cref="Blob"/> (root and size).</summary>
public sealed record BlobChunkRequest(BlobId Blob, int Index);

/// <summary>
/// The answer to a <see cref="BlobChunkRequest"/>: the chunk with its Merkle proof against the blob's root, or, when
/// <see cref="Chunk"/> is null, word that the blob is not stored there.
/// </summary>
public sealed record BlobChunkResponse(BlobId Blob, int Index, BlobChunk? Chunk);

/// <summary>
/// The wire form of blob exchange between nodes. A request (type 22): version, root, u64 size, u32 chunk index. A
/// response (type 23): version, root, u64 size, u32 index, then 0 (not stored here) or 1 followed by the chunk's bytes
/// (u32-length-prefixed, at most <see cref="BlobId.ChunkSize"/>) and its Merkle proof. Sizes are bounded by
/// <see cref="BlobId"/>'s limits; decoding checks the shape, <see cref="BlobChunk.Verify"/> checks the content.
/// </summary>
public static class BlobMessageCodec
{
    public const byte RequestType = 0x16;
    public const byte ResponseType = 0x17;
    public const byte Version = 1;

    private const int HeaderSize = 1 + Hash32.Size + 8 + 4;

    public const int MaxRequestPayload = HeaderSize;

    /// <summary>The largest valid response: the transport's frame limit for <see cref="ResponseType"/>.</summary>
    public const int MaxResponsePayload = HeaderSize + 1 + 4 + BlobId.ChunkSize + MerkleProof.MaxEncodedSize;

    public static byte[] Encode(BlobChunkRequest request)
    {
        var writer = new CanonicalWriter(HeaderSize);
        WriteHeader(ref writer, request.Blob, request.Index);
        return writer.ToArray();
    }

    public static byte[] Encode(BlobChunkResponse response)
    {
        var writer = new CanonicalWriter(response.Chunk is null ? HeaderSize + 1 : HeaderSize + 1 + 4 + response.Chunk.Data.Length + MerkleProof.MaxEncodedSize);
        WriteHeader(ref writer, response.Blob, response.Index);
        writer.WriteBool(response.Chunk is not null);
        if (response.Chunk is { } chunk)
        {
            writer.WriteBytes(chunk.Data);
            chunk.Proof.Write(ref writer);
        }
        return writer.ToArray();
    }

    /// <summary>Decodes a request; throws <see cref="CodecException"/> for anything not canonical or out of range.</summary>
    public static BlobChunkRequest DecodeRequest(ReadOnlySpan<byte> payload)
    {
        CheckSize(payload, MaxRequestPayload, "blob chunk request");
        var reader = new CanonicalReader(payload);
        var (blob, index) = ReadHeader(ref reader);
        reader.EnsureEnd();
        return new BlobChunkRequest(blob, index);
    }

    /// <summary>Decodes a response; throws <see cref="CodecException"/> for anything not canonical or out of range.</summary>
    public static BlobChunkResponse DecodeResponse(ReadOnlySpan<byte> payload)
    {
        CheckSize(payload, MaxResponsePayload, "blob chunk response");
        var reader = new CanonicalReader(payload);
        var (blob, index) = ReadHeader(ref reader);
        BlobChunk? chunk = null;
        if (reader.ReadBool())
        {
            var data = reader.ReadBytes(BlobId.ChunkSize).ToArray();
            chunk = new BlobChunk(blob, index, data, MerkleProof.Read(ref reader));
        }
        reader.EnsureEnd();
        return new BlobChunkResponse(blob, index, chunk);
    }

    private static void WriteHeader(ref CanonicalWriter writer, BlobId blob, int index)
    {
        writer.WriteU8(Version);
        writer.WriteHash(blob.Root);
        writer.WriteU64((ulong)blob.Size);
        writer.WriteU32(checked((uint)index));
    }

    private static (BlobId Blob, int Index) ReadHeader(ref CanonicalReader reader)
    {
        reader.ReadVersion(Version, "blob message");
        var root = reader.ReadHash();
        ulong size = reader.ReadU64();
        uint index = reader.ReadU32();
        if (size is 0 or > (ulong)BlobId.MaxSize)
        {
            throw new CodecException(CodecException.InvalidValue, $"a blob has 1 to {BlobId.MaxSize} bytes, not {size}");
        }
        var blob = new BlobId(root, (long)size);
        if (index >= (uint)blob.ChunkCount)
        {
            throw new CodecException(CodecException.InvalidValue, $"blob {root} has {blob.ChunkCount} chunks; there is no chunk {index}");
        }
        return (blob, (int)index);
    }

    private static void CheckSize(ReadOnlySpan<byte> payload, int max, string what)
    {
        if (payload.Length > max)
        {
            throw new CodecException(CodecException.TooLarge, $"a {what} is at most {max} bytes, not {payload.Length}");
        }
    }
}
