using Pocc.Core.Hashing;
using Pocc.Storage.Blobs;

namespace Pocc.Storage.Tests.Blobs;

public sealed class BlobStoreTests : IDisposable
{
    private const long Limit = 64L * 1024 * 1024;
    private const int Chunk = BlobData.Chunk;

    private readonly TempDirectory _directory = new();
    private readonly BlobStore _store;

    public BlobStoreTests() => _store = new BlobStore(_directory.Path);

    public void Dispose() => _directory.Dispose();

    public static TheoryData<long> BoundarySizes => [0, 1, Chunk - 1, Chunk, Chunk + 1, 3L * Chunk + 17, 5L * Chunk];

    [Theory]
    [MemberData(nameof(BoundarySizes))]
    public async Task Round_trips_a_blob_and_names_it_by_the_reference_root(long size)
    {
        var content = BlobData.Random(size, seed: (int)size);

        var id = await _store.PutAsync(new MemoryStream(content), Limit);

        Assert.Equal(BlobData.ReferenceRoot(content), id.Root);
        Assert.Equal(size, id.Size);
        Assert.Equal((int)((size + Chunk - 1) / Chunk), id.ChunkCount);
        Assert.True(_store.Exists(id.Root));
        Assert.Equal(id, _store.GetInfo(id.Root));
        await using (var read = _store.OpenRead(id.Root))
        {
            using var copy = new MemoryStream();
            await read.CopyToAsync(copy);
            Assert.Equal(content, copy.ToArray());
        }
        Assert.Equal(id, await _store.VerifyAsync(id.Root));
        Assert.Equal(BlobData.ExpectedFiles(id.Root), BlobData.Files(_directory.Path));
    }

    [Fact]
    public async Task The_empty_blob_has_the_zero_root_and_no_chunks()
    {
        var id = await _store.PutAsync(new MemoryStream(), Limit);

        Assert.Equal(BlobId.Empty, id);
        Assert.Equal(0, id.ChunkCount);
        Assert.Equal(Hash32.Zero, BlobHasher.Compute([]).Root);
        var error = await Assert.ThrowsAsync<BlobException>(() => _store.ReadChunkAsync(id.Root, 0));
        Assert.Equal(BlobException.ChunkNotFound, error.Code);
    }

    [Fact]
    public async Task Content_arriving_in_small_pieces_gets_the_same_root()
    {
        var content = BlobData.Random(2L * Chunk + 999, seed: 7);

        var id = await _store.PutAsync(new TrickleStream(content, maxPiece: 4093), Limit);

        Assert.Equal(BlobHasher.Compute(content), id);
    }

    [Fact]
    public async Task Accepts_content_that_matches_the_expected_root()
    {
        var content = BlobData.Random(Chunk + 5);

        var id = await _store.PutAsync(new MemoryStream(content), Limit, BlobData.ReferenceRoot(content));

        Assert.Equal(BlobData.ReferenceRoot(content), id.Root);
    }

    [Fact]
    public async Task Rejects_a_wrong_expected_root_and_leaves_no_file_behind()
    {
        var content = BlobData.Random(2L * Chunk + 3);
        var wrong = Blake3Hash.Of("something else"u8);

        var error = await Assert.ThrowsAsync<BlobException>(() => _store.PutAsync(new MemoryStream(content), Limit, wrong));

        Assert.Equal(BlobException.RootMismatch, error.Code);
        Assert.Empty(BlobData.Files(_directory.Path));
        Assert.False(_store.Exists(BlobData.ReferenceRoot(content)));
        Assert.False(_store.Exists(wrong));
    }

    [Fact]
    public async Task Rejects_oversize_content_as_soon_as_the_limit_is_passed_and_leaves_nothing()
    {
        var endless = new EndlessStream();
        const long max = 3L * Chunk + 10;

        var error = await Assert.ThrowsAsync<BlobException>(() => _store.PutAsync(endless, max));

        Assert.Equal(BlobException.TooLarge, error.Code);
        Assert.InRange(endless.BytesRead, max + 1, max + Chunk);
        Assert.Empty(BlobData.Files(_directory.Path));
    }

    [Fact]
    public async Task Accepts_content_of_exactly_the_limit_and_rejects_one_byte_more()
    {
        var content = BlobData.Random(Chunk + 1);

        var error = await Assert.ThrowsAsync<BlobException>(() => _store.PutAsync(new MemoryStream(content), content.Length - 1));
        var id = await _store.PutAsync(new MemoryStream(content), content.Length);

        Assert.Equal(BlobException.TooLarge, error.Code);
        Assert.Equal(content.Length, id.Size);
        Assert.Equal(BlobData.ExpectedFiles(id.Root), BlobData.Files(_directory.Path));
    }

    [Fact]
    public async Task A_cancelled_put_leaves_nothing()
    {
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _store.PutAsync(new EndlessStream(), Limit, null, cancel.Token));

        Assert.Empty(BlobData.Files(_directory.Path));
    }

    [Fact]
    public async Task Putting_a_stored_blob_again_is_a_no_op()
    {
        var content = BlobData.Random(Chunk * 2);

        var first = await _store.PutAsync(new MemoryStream(content), Limit);
        var second = await _store.PutAsync(new MemoryStream(content), Limit);

        Assert.Equal(first, second);
        Assert.Equal(BlobData.ExpectedFiles(first.Root), BlobData.Files(_directory.Path));
    }

    [Fact]
    public async Task Concurrent_puts_of_the_same_content_all_succeed_with_one_copy()
    {
        var content = BlobData.Random(3L * Chunk + 100, seed: 3);

        var ids = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Task.Run(() => _store.PutAsync(new TrickleStream(content, 50_000 + i), Limit))));

        Assert.All(ids, id => Assert.Equal(BlobHasher.Compute(content), id));
        Assert.Equal(BlobData.ExpectedFiles(ids[0].Root), BlobData.Files(_directory.Path));
        Assert.Equal(ids[0], await _store.VerifyAsync(ids[0].Root));
    }

    [Fact]
    public async Task Concurrent_puts_of_different_content_are_all_stored()
    {
        var contents = Enumerable.Range(0, 6).Select(i => BlobData.Random(Chunk / 2 + i * 40_000, seed: 100 + i)).ToArray();

        var ids = await Task.WhenAll(contents.Select(c => Task.Run(() => _store.PutAsync(new MemoryStream(c), Limit))));

        Assert.Equal(BlobData.ExpectedFiles([.. ids.Select(i => i.Root)]), BlobData.Files(_directory.Path));
        for (int i = 0; i < contents.Length; i++)
        {
            Assert.Equal(BlobHasher.Compute(contents[i]), ids[i]);
        }
    }

    [Fact]
    public async Task A_missing_blob_is_reported_as_not_found()
    {
        var root = Blake3Hash.Of("absent"u8);

        Assert.False(_store.Exists(root));
        Assert.Null(_store.GetInfo(root));
        Assert.Equal(BlobException.NotFound, Assert.Throws<BlobException>(() => _store.OpenRead(root)).Code);
        Assert.Equal(BlobException.NotFound, (await Assert.ThrowsAsync<BlobException>(() => _store.ReadChunkAsync(root, 0))).Code);
        Assert.Equal(BlobException.NotFound, (await Assert.ThrowsAsync<BlobException>(() => _store.VerifyAsync(root))).Code);
    }

    [Fact]
    public void Parses_roots_and_rejects_malformed_ones()
    {
        var root = Blake3Hash.Of("x"u8);

        Assert.Equal(root, BlobStore.ParseRoot(root.ToString()));
        Assert.Equal(root, BlobStore.ParseRoot("0x" + root.ToString().ToUpperInvariant()));
        foreach (var bad in new[] { null, "", "abc", root.ToString()[1..], root.ToString() + "00", new string('g', 64) })
        {
            Assert.Equal(BlobException.InvalidRoot, Assert.Throws<BlobException>(() => BlobStore.ParseRoot(bad)).Code);
        }
    }

    [Fact]
    public async Task Opening_the_store_clears_temp_files_left_by_a_crash()
    {
        var stale = Path.Combine(_directory.Path, "tmp", "0123.part");
        await File.WriteAllBytesAsync(stale, [1, 2, 3]);

        _ = new BlobStore(_directory.Path);

        Assert.False(File.Exists(stale));
    }

    [Fact]
    public async Task A_scratch_file_lives_in_the_stores_temp_directory_and_goes_when_closed()
    {
        string path;
        await using (var scratch = _store.CreateScratchFile())
        {
            path = scratch.Name;
            await scratch.WriteAsync(new byte[] { 1, 2, 3 });
            Assert.Equal(Path.Combine(_directory.Path, "tmp"), Path.GetDirectoryName(path));
            Assert.True(File.Exists(path));
        }

        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task Damage_on_disk_is_caught_by_verification_and_chunk_reads()
    {
        var content = BlobData.Random(2L * Chunk + 10, seed: 11);
        var id = await _store.PutAsync(new MemoryStream(content), Limit);
        string path = DataPath(id.Root);
        var damaged = (byte[])content.Clone();
        damaged[Chunk + 5] ^= 0x01;
        await File.WriteAllBytesAsync(path, damaged);

        Assert.Equal(BlobException.Corrupt, (await Assert.ThrowsAsync<BlobException>(() => _store.VerifyAsync(id.Root))).Code);
        Assert.Equal(BlobException.Corrupt, (await Assert.ThrowsAsync<BlobException>(() => _store.ReadChunkAsync(id.Root, 1))).Code);
        var intact = await _store.ReadChunkAsync(id.Root, 0);
        Assert.True(intact.Verify());
        await using var verified = _store.OpenVerifiedRead(id.Root);
        var error = await Assert.ThrowsAsync<BlobException>(() => verified.CopyToAsync(Stream.Null));
        Assert.Equal(BlobException.Corrupt, error.Code);
    }

    [Fact]
    public async Task A_missing_or_damaged_leaves_sidecar_is_rebuilt_from_the_data()
    {
        var content = BlobData.Random(3L * Chunk, seed: 12);
        var id = await _store.PutAsync(new MemoryStream(content), Limit);
        string sidecar = DataPath(id.Root) + ".leaves";

        File.Delete(sidecar);
        var chunk = await _store.ReadChunkAsync(id.Root, 2);
        Assert.True(chunk.Verify());
        Assert.True(File.Exists(sidecar));

        var bytes = await File.ReadAllBytesAsync(sidecar);
        bytes[^1] ^= 0xFF;
        await File.WriteAllBytesAsync(sidecar, bytes);
        chunk = await _store.ReadChunkAsync(id.Root, 1);
        Assert.True(chunk.Verify());
        Assert.Equal(BlobData.ExpectedFiles(id.Root), BlobData.Files(_directory.Path));
    }

    private string DataPath(Hash32 root)
    {
        string hex = root.ToString();
        return Path.Combine(_directory.Path, hex[..2], hex[2..4], hex);
    }
}
