using CsCheck;
using Pocc.Core.Hashing;
using Pocc.Storage.Blobs;

namespace Pocc.Storage.Tests.Blobs;

public sealed class BlobHasherTests
{
    private const int Chunk = BlobData.Chunk;

    [Fact]
    public void Any_split_of_the_content_gives_the_same_identity()
    {
        var content = BlobData.Random(3L * Chunk + 4321, seed: 21);
        var expected = new BlobId(BlobData.ReferenceRoot(content), content.Length);

        Gen.Int[1, 2 * Chunk].Array[1, 40].Sample(pieces =>
        {
            using var hasher = new BlobHasher();
            int offset = 0;
            foreach (int piece in pieces)
            {
                int take = Math.Min(piece, content.Length - offset);
                hasher.Append(content.AsSpan(offset, take));
                offset += take;
            }
            hasher.Append(content.AsSpan(offset));
            Assert.Equal(expected, hasher.Complete());
        }, iter: 60);
    }

    [Fact]
    public void Small_contents_match_the_reference_root()
    {
        Gen.Byte.Array[0, 3000].Sample(content =>
        {
            var id = BlobHasher.Compute(content);
            Assert.Equal(BlobData.ReferenceRoot(content), id.Root);
            Assert.Equal(content.Length, id.Size);
        });
    }

    [Fact]
    public void A_one_chunk_blob_has_the_chunk_leaf_as_its_root()
    {
        var content = BlobData.Random(Chunk);

        Assert.Equal(Blake3Hash.Leaf(content), BlobHasher.Compute(content).Root);
    }

    [Fact]
    public async Task Computes_over_a_stream()
    {
        var content = BlobData.Random(2L * Chunk + 1);

        Assert.Equal(BlobHasher.Compute(content), await BlobHasher.ComputeAsync(new TrickleStream(content, 70_000)));
    }

    [Fact]
    public void Feeding_a_completed_hasher_is_a_bug()
    {
        using var hasher = new BlobHasher();
        hasher.Complete();

        Assert.Throws<InvalidOperationException>(() => hasher.Append([1]));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(Chunk - 1, 1)]
    [InlineData(Chunk, 1)]
    [InlineData(Chunk + 1, 2)]
    [InlineData(10L * Chunk, 10)]
    public void Chunk_geometry_follows_the_size(long size, int chunks)
    {
        var id = new BlobId(Hash32.Zero, size);

        Assert.Equal(chunks, id.ChunkCount);
        if (chunks > 0)
        {
            Assert.Equal(size - (chunks - 1L) * Chunk, id.ChunkLength(chunks - 1));
            Assert.Equal((chunks - 1L) * Chunk, id.ChunkOffset(chunks - 1));
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => id.ChunkLength(chunks));
    }
}

public sealed class VerifyingBlobStreamTests
{
    [Fact]
    public async Task Passes_the_expected_bytes_through_and_reports_the_identity()
    {
        var content = BlobData.Random(BlobData.Chunk + 10);
        var id = BlobHasher.Compute(content);
        await using var stream = new VerifyingBlobStream(new TrickleStream(content, 9_999), id.Root, id.Size);
        using var copy = new MemoryStream();

        await stream.CopyToAsync(copy);

        Assert.Equal(content, copy.ToArray());
        Assert.Equal(id, stream.Verified);
    }

    [Fact]
    public async Task Throws_at_the_end_when_the_bytes_are_not_the_expected_blob()
    {
        var content = BlobData.Random(1000);
        var root = BlobHasher.Compute(content).Root;
        content[500] ^= 1;
        await using var stream = new VerifyingBlobStream(new MemoryStream(content), root);

        var error = await Assert.ThrowsAsync<BlobException>(() => stream.CopyToAsync(Stream.Null));

        Assert.Equal(BlobException.RootMismatch, error.Code);
        Assert.Null(stream.Verified);
    }

    [Fact]
    public async Task Throws_as_soon_as_the_expected_size_is_passed()
    {
        var endless = new EndlessStream();
        await using var stream = new VerifyingBlobStream(endless, Hash32.Zero, expectedSize: 10);

        var error = await Assert.ThrowsAsync<BlobException>(() => stream.CopyToAsync(Stream.Null));

        Assert.Equal(BlobException.RootMismatch, error.Code);
        Assert.True(endless.BytesRead < 1_000_000);
    }
}
