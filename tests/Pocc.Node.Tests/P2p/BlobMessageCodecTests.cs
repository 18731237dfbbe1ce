using Pocc.Core.Encoding;
using Pocc.Core.Hashing;
using Pocc.Core.Merkle;
using Pocc.Node.P2p;
using Pocc.Storage.Blobs;

namespace Pocc.Node.Tests.P2p;

public sealed class BlobMessageCodecTests
{
    private static readonly byte[] Content = [.. Enumerable.Range(0, BlobId.ChunkSize + 1000).Select(i => (byte)(i * 7))];
    private static readonly BlobId Blob = BlobHasher.Compute(Content);
    private static readonly Hash32[] Leaves = [Blake3Hash.Leaf(Content.AsSpan(0, BlobId.ChunkSize)), Blake3Hash.Leaf(Content.AsSpan(BlobId.ChunkSize))];

    [Fact]
    public void A_request_round_trips()
    {
        var request = new BlobChunkRequest(Blob, 1);

        Assert.Equal(request, BlobMessageCodec.DecodeRequest(BlobMessageCodec.Encode(request)));
        Assert.Equal(BlobMessageCodec.MaxRequestPayload, BlobMessageCodec.Encode(request).Length);
    }

    [Fact]
    public void A_response_with_a_chunk_round_trips_and_its_chunk_still_proves_against_the_root()
    {
        var chunk = new BlobChunk(Blob, 1, Content[BlobId.ChunkSize..], MerkleTree.Prove(Leaves, 1));
        Assert.True(chunk.Verify());
        var encoded = BlobMessageCodec.Encode(new BlobChunkResponse(Blob, 1, chunk));

        var decoded = BlobMessageCodec.DecodeResponse(encoded);

        Assert.Equal(Blob, decoded.Blob);
        Assert.Equal(1, decoded.Index);
        Assert.Equal(chunk.Data, decoded.Chunk!.Data);
        Assert.True(decoded.Chunk.Verify());
        Assert.True(encoded.Length <= BlobMessageCodec.MaxResponsePayload);
    }

    [Fact]
    public void A_not_found_response_round_trips_without_a_chunk()
    {
        var decoded = BlobMessageCodec.DecodeResponse(BlobMessageCodec.Encode(new BlobChunkResponse(Blob, 1, null)));

        Assert.Equal(new BlobChunkResponse(Blob, 1, null), decoded);
    }

    [Fact]
    public void A_chunk_with_altered_bytes_decodes_but_does_not_verify()
    {
        var data = Content[..BlobId.ChunkSize];
        data[5] ^= 1;
        var forged = new BlobChunkResponse(Blob, 0, new BlobChunk(Blob, 0, data, MerkleTree.Prove(Leaves, 0)));

        var decoded = BlobMessageCodec.DecodeResponse(BlobMessageCodec.Encode(forged));

        Assert.False(decoded.Chunk!.Verify());
    }

    public static TheoryData<string, byte[]> MalformedRequests()
    {
        var good = BlobMessageCodec.Encode(new BlobChunkRequest(Blob, 1));
        var zeroSize = (byte[])good.Clone();
        Array.Clear(zeroSize, 33, 8);
        var hugeSize = (byte[])good.Clone();
        Array.Fill(hugeSize, (byte)0xFF, 33, 8);
        var indexPastTheEnd = (byte[])good.Clone();
        indexPastTheEnd[41] = 2;
        var wrongVersion = (byte[])good.Clone();
        wrongVersion[0] = 2;
        return new()
        {
            { "empty", [] },
            { "truncated", good[..^1] },
            { "trailing byte", [.. good, 0] },
            { "size zero", zeroSize },
            { "size above the blob limit", hugeSize },
            { "chunk index past the last chunk", indexPastTheEnd },
            { "unknown version", wrongVersion },
        };
    }

    [Theory]
    [MemberData(nameof(MalformedRequests))]
    public void Malformed_requests_throw_a_codec_error(string what, byte[] payload)
    {
        Assert.NotNull(what);
        Assert.Throws<CodecException>(() => BlobMessageCodec.DecodeRequest(payload));
    }

    public static TheoryData<string, byte[]> MalformedResponses()
    {
        var notFound = BlobMessageCodec.Encode(new BlobChunkResponse(Blob, 0, null));
        var badFlag = (byte[])notFound.Clone();
        badFlag[^1] = 2;
        var writer = new CanonicalWriter();
        writer.WriteU8(BlobMessageCodec.Version);
        writer.WriteHash(Blob.Root);
        writer.WriteU64((ulong)Blob.Size);
        writer.WriteU32(0);
        writer.WriteBool(true);
        writer.WriteBytes(new byte[BlobId.ChunkSize + 1]);
        return new()
        {
            { "empty", [] },
            { "flag neither 0 nor 1", badFlag },
            { "found without a chunk", [.. notFound[..^1], 1] },
            { "chunk longer than a chunk", writer.ToArray() },
            { "over the size limit", new byte[BlobMessageCodec.MaxResponsePayload + 1] },
            { "trailing byte", [.. notFound, 0] },
        };
    }

    [Theory]
    [MemberData(nameof(MalformedResponses))]
    public void Malformed_responses_throw_a_codec_error(string what, byte[] payload)
    {
        Assert.NotNull(what);
        Assert.Throws<CodecException>(() => BlobMessageCodec.DecodeResponse(payload));
    }
}
