namespace Pocc.Storage.Tests;

public sealed class RocksDbStoreTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private RocksDbStore Open() => RocksDbStore.Open(_directory.Path);

    [Fact]
    public void Get_returns_what_put_stored_in_every_column()
    {
        using var store = Open();
        foreach (var column in Enum.GetValues<Column>())
        {
            store.Put(column, "key"u8, [(byte)column]);
        }

        foreach (var column in Enum.GetValues<Column>())
        {
            Assert.Equal(new[] { (byte)column }, store.Get(column, "key"u8));
        }
    }

    [Fact]
    public void Columns_are_separate_keyspaces()
    {
        using var store = Open();
        store.Put(Column.Headers, "key"u8, "header"u8);

        Assert.Null(store.Get(Column.Blocks, "key"u8));
        Assert.False(store.TryGet(Column.State, "key"u8, out _));
        Assert.Empty(store.Iterate(Column.Meta, []));
    }

    [Fact]
    public void Missing_key_reads_as_null()
    {
        using var store = Open();

        Assert.Null(store.Get(Column.State, "absent"u8));
        Assert.False(store.TryGet(Column.State, "absent"u8, out var value));
        Assert.Null(value);
    }

    [Fact]
    public void Empty_value_is_distinct_from_missing()
    {
        using var store = Open();
        store.Put(Column.State, "empty"u8, []);

        Assert.True(store.TryGet(Column.State, "empty"u8, out var value));
        Assert.Empty(value);
    }

    [Fact]
    public void Committed_batch_applies_puts_and_deletes()
    {
        using var store = Open();
        store.Put(Column.State, "old"u8, "1"u8);

        using (var batch = store.CreateBatch())
        {
            batch.Put(Column.State, "new"u8, "2"u8);
            batch.Put(Column.Meta, "tip"u8, "3"u8);
            batch.Delete(Column.State, "old"u8);
            Assert.Equal(3, batch.Count);
            store.Commit(batch);
        }

        Assert.Null(store.Get(Column.State, "old"u8));
        Assert.Equal("2"u8.ToArray(), store.Get(Column.State, "new"u8));
        Assert.Equal("3"u8.ToArray(), store.Get(Column.Meta, "tip"u8));
    }

    [Fact]
    public void Batch_disposed_without_commit_writes_nothing()
    {
        using var store = Open();
        store.Put(Column.State, "kept"u8, "1"u8);

        using (var batch = store.CreateBatch())
        {
            batch.Put(Column.State, "new"u8, "2"u8);
            batch.Delete(Column.State, "kept"u8);
        }

        Assert.Null(store.Get(Column.State, "new"u8));
        Assert.Equal("1"u8.ToArray(), store.Get(Column.State, "kept"u8));
    }

    [Fact]
    public void Commit_rejects_a_batch_from_another_store()
    {
        using var other = new TempDirectory();
        using var store = Open();
        using var otherStore = RocksDbStore.Open(other.Path);
        using var batch = otherStore.CreateBatch();

        Assert.Throws<ArgumentException>(() => store.Commit(batch));
    }

    [Fact]
    public void Commit_rejects_a_disposed_batch()
    {
        using var store = Open();
        var batch = store.CreateBatch();
        batch.Dispose();

        Assert.Throws<ObjectDisposedException>(() => store.Commit(batch));
    }

    [Fact]
    public void Data_survives_close_and_reopen()
    {
        using (var store = Open())
        {
            store.Put(Column.Blocks, "block"u8, "body"u8);
            using var batch = store.CreateBatch();
            batch.Put(Column.Headers, "header"u8, "h"u8);
            store.Commit(batch);
        }

        // Reopening replays the WAL into an LZ4-compressed table, so this also proves the codec is linked.
        using var reopened = Open();
        Assert.Equal("body"u8.ToArray(), reopened.Get(Column.Blocks, "block"u8));
        Assert.Equal("h"u8.ToArray(), reopened.Get(Column.Headers, "header"u8));
    }

    [Fact]
    public void Prefix_iteration_returns_exactly_the_prefixed_keys_in_order()
    {
        using var store = Open();
        byte[][] keys =
        [
            [0x01, 0xFF], [0x01, 0xFF, 0x00], [0x01, 0xFF, 0xFF], [0x01, 0xFF, 0x01],
            [0x01], [0x01, 0xFE, 0xFF], [0x02], [0x01, 0xFF, 0xFF, 0xFF], [0x00, 0xFF],
        ];
        foreach (var key in keys)
        {
            store.Put(Column.State, key, key);
        }

        store.Put(Column.TxIndex, [0x01, 0xFF, 0x05], "other column"u8);

        var found = store.Iterate(Column.State, [0x01, 0xFF]).ToList();

        byte[][] expected = [[0x01, 0xFF], [0x01, 0xFF, 0x00], [0x01, 0xFF, 0x01], [0x01, 0xFF, 0xFF], [0x01, 0xFF, 0xFF, 0xFF]];
        Assert.Equal(expected, found.Select(entry => entry.Key));
        Assert.All(found, entry => Assert.Equal(entry.Key, entry.Value));
    }

    [Fact]
    public void Empty_prefix_iterates_the_whole_column()
    {
        using var store = Open();
        store.Put(Column.Headers, [2], [20]);
        store.Put(Column.Headers, [1], [10]);

        Assert.Equal([[1], [2]], store.Iterate(Column.Headers, []).Select(entry => entry.Key));
    }

    [Fact]
    public void IterateFrom_starts_at_the_first_key_not_below_the_start()
    {
        using var store = Open();
        foreach (byte key in new byte[] { 1, 3, 5 })
        {
            store.Put(Column.Headers, [key], [key]);
        }

        Assert.Equal([[3], [5]], store.IterateFrom(Column.Headers, [2]).Select(entry => entry.Key));
        Assert.Equal([[3], [5]], store.IterateFrom(Column.Headers, [3]).Select(entry => entry.Key));
    }

    [Fact]
    public void Iteration_sees_the_store_as_it_was_when_enumeration_started()
    {
        using var store = Open();
        store.Put(Column.State, [1], [1]);
        store.Put(Column.State, [2], [2]);

        var seen = new List<byte[]>();
        foreach (var entry in store.Iterate(Column.State, []))
        {
            seen.Add(entry.Key);
            store.Put(Column.State, [3], [3]);
        }

        Assert.Equal([[1], [2]], seen);
    }

    [Fact]
    public void Opening_a_database_that_is_already_open_fails_as_locked()
    {
        using var store = Open();

        var error = Assert.Throws<StorageException>(() => RocksDbStore.Open(_directory.Path));

        Assert.Equal(StorageException.Locked, error.Code);
    }

    [Fact]
    public void Damaged_database_files_fail_as_corrupt()
    {
        Open().Dispose();
        File.WriteAllText(Path.Combine(_directory.Path, "CURRENT"), "garbage");

        var error = Assert.Throws<StorageException>(Open);

        Assert.Equal(StorageException.Corrupt, error.Code);
    }

    [Fact]
    public void Directory_that_cannot_be_created_fails_to_open()
    {
        var file = Path.Combine(_directory.Path, "file");
        File.WriteAllText(file, "");

        var error = Assert.Throws<StorageException>(() => RocksDbStore.Open(Path.Combine(file, "db")));

        Assert.Equal(StorageException.OpenFailed, error.Code);
    }

    [Fact]
    public void Dispose_is_idempotent_and_later_use_throws()
    {
        var store = Open();
        store.Dispose();
        store.Dispose();

        Assert.Throws<ObjectDisposedException>(() => store.Get(Column.State, "key"u8));
        Assert.Throws<ObjectDisposedException>(() => store.Put(Column.State, "key"u8, "value"u8));
        Assert.Throws<ObjectDisposedException>(() => store.CreateBatch());
        Assert.Throws<ObjectDisposedException>(() => store.Iterate(Column.State, []));
    }

    [Fact]
    public void Closing_releases_the_lock()
    {
        Open().Dispose();

        using var reopened = Open();
        Assert.Null(reopened.Get(Column.Meta, "key"u8));
    }

    [Fact]
    public async Task Concurrent_readers_see_only_whole_batches_of_one_writer()
    {
        using var store = Open();
        const int Batches = 200;

        var writer = Task.Run(() =>
        {
            for (byte i = 1; i <= Batches; i++)
            {
                using var batch = store.CreateBatch();
                batch.Put(Column.State, "a"u8, [i]);
                batch.Put(Column.State, "b"u8, [i]);
                store.Commit(batch);
            }
        });
        var reader = Task.Run(() =>
        {
            while (!writer.IsCompleted)
            {
                var pair = store.Iterate(Column.State, []).Select(entry => entry.Value).ToList();
                Assert.True(pair.Count == 0 || (pair.Count == 2 && pair[0][0] == pair[1][0]));
            }
        });

        await Task.WhenAll(writer, reader);
        Assert.Equal([Batches], store.Get(Column.State, "b"u8));
    }
}
