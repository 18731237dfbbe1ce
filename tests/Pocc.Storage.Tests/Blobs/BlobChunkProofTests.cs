using Pocc.Core.Hashing;
using Pocc.Core.Merkle;
using Pocc.Storage.Blobs;

namespace Pocc.Storage.Tests.Blobs;

public sealed class BlobChunkProofTests : IDisposable
{
    private const int Chunk = BlobData.Chunk;

    private readonly TempDirectory _directory = new();
    private readonly BlobStore _store;

    public BlobChunkProofTests() => _store = new BlobStore(_directory.Path);

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(Chunk)]
    [InlineData(Chunk + 1)]
    [InlineData(5 * Chunk + 123)]
    [InlineData(7 * Chunk)]
    public async Task Every_chunk_comes_with_a_proof_that_verifies(int size)
    {
        var content = BlobData.Random(size, seed: size);
        var id = await _store.PutAsync(new MemoryStream(content), size);

        for (int i = 0; i < id.ChunkCount; i++)
        {
            var chunk = await _store.ReadChunkAsync(id.Root, i);

            Assert.Equal(id, chunk.Blob);
            Assert.Equal(i, chunk.Index);
            Assert.Equal(content.AsSpan(i * Chunk, id.ChunkLength(i)).ToArray(), chunk.Data);
            Assert.True(chunk.Verify());
            Assert.True(BlobStore.VerifyChunk(id.Root, i, id.ChunkCount, chunk.Data, chunk.Proof));
        }
    }

    [Fact]
    public async Task A_chunk_index_past_the_end_is_not_found()
    {
        var id = await _store.PutAsync(new MemoryStream(BlobData.Random(2 * Chunk)), 2 * Chunk);

        foreach (int index in new[] { -1, 2, int.MaxValue })
        {
            var error = await Assert.ThrowsAsync<BlobException>(() => _store.ReadChunkAsync(id.Root, index));
            Assert.Equal(BlobException.ChunkNotFound, error.Code);
        }
    }

    [Fact]
    public async Task Tampered_chunks_and_proofs_fail()
    {
        var id = await _store.PutAsync(new MemoryStream(BlobData.Random(5L * Chunk + 77, seed: 5)), 6 * Chunk);
        var chunk = await _store.ReadChunkAsync(id.Root, 2);
        var other = await _store.ReadChunkAsync(id.Root, 3);
        var last = await _store.ReadChunkAsync(id.Root, 5);
        int count = id.ChunkCount;

        var flipped = (byte[])chunk.Data.Clone();
        flipped[1000] ^= 0x80;
        Assert.False(BlobStore.VerifyChunk(id.Root, 2, count, flipped, chunk.Proof));

        var badSibling = chunk.Proof with { Siblings = [.. chunk.Proof.Siblings.Select((s, i) => i == 1 ? Blake3Hash.Of(s.ToArray()) : s)] };
        Assert.False(BlobStore.VerifyChunk(id.Root, 2, count, chunk.Data, badSibling));

        var missingSibling = chunk.Proof with { Siblings = [.. chunk.Proof.Siblings.Skip(1)] };
        Assert.False(BlobStore.VerifyChunk(id.Root, 2, count, chunk.Data, missingSibling));

        Assert.False(BlobStore.VerifyChunk(id.Root, 3, count, chunk.Data, chunk.Proof));
        Assert.False(BlobStore.VerifyChunk(id.Root, 3, count, chunk.Data, other.Proof));
        Assert.False(BlobStore.VerifyChunk(id.Root, 2, count, other.Data, chunk.Proof));
        Assert.False(BlobStore.VerifyChunk(Blake3Hash.Of("other root"u8), 2, count, chunk.Data, chunk.Proof));

        // The count comes from the committed size, not the proof: a proof claiming another count is refused.
        Assert.False(BlobStore.VerifyChunk(id.Root, 2, count + 1, chunk.Data, chunk.Proof));
        Assert.False(BlobStore.VerifyChunk(id.Root, 2, count - 1, chunk.Data, chunk.Proof));

        // Only the last chunk may be short, and with a BlobId its exact length is pinned.
        Assert.False(BlobStore.VerifyChunk(id.Root, 2, count, chunk.Data.AsSpan(0, Chunk - 1), chunk.Proof));
        Assert.False(BlobStore.VerifyChunk(id, 5, last.Data.AsSpan(0, last.Data.Length - 1), last.Proof));
        Assert.False(BlobStore.VerifyChunk(id with { Size = id.Size + 1 }, 5, last.Data, last.Proof));
        Assert.False(BlobStore.VerifyChunk(id, 6, last.Data, last.Proof));
        Assert.True(BlobStore.VerifyChunk(id, 5, last.Data, last.Proof));
    }

    [Fact]
    public void A_proof_for_a_tree_with_no_chunks_never_verifies()
    {
        var proof = new MerkleProof(0, 1, []);

        Assert.False(BlobStore.VerifyChunk(Hash32.Zero, 0, 0, [], proof));
        Assert.False(BlobStore.VerifyChunk(Blake3Hash.Leaf([]), 0, 1, [], proof));
    }
}
