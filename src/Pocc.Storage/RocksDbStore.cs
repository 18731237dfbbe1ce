using System.Diagnostics.CodeAnalysis;
using RocksDbSharp;

namespace Pocc.Storage;

/// <summary>The chain database: an <see cref="IKeyValueStore"/> on RocksDB with one column family per <see cref="Column"/>.</summary>
public sealed class RocksDbStore : IKeyValueStore
{
    private const int BloomBitsPerKey = 10;

    private static readonly Column[] AllColumns = Enum.GetValues<Column>();

    private readonly RocksDb _db;
    private readonly ColumnFamilyHandle[] _families;
    private readonly WriteOptions _syncWrites = new WriteOptions().SetSync(true);

    // Operations in flight, including open enumerations: Dispose waits for them because touching a closed
    // native handle crashes the process instead of throwing.
    private int _users;
    private int _closing;

    private RocksDbStore(RocksDb db)
    {
        _db = db;
        _families = Array.ConvertAll(AllColumns, column => db.GetColumnFamily(FamilyName(column)));
    }

    /// <summary>Opens the database in <paramref name="directory"/>, creating the directory and any missing column families.</summary>
    /// <exception cref="StorageException">
    /// <see cref="StorageException.Locked"/> when another store holds the database, <see cref="StorageException.Corrupt"/>
    /// when its files are damaged, <see cref="StorageException.OpenFailed"/> for anything else.
    /// </exception>
    public static RocksDbStore Open(string directory, RocksDbStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        options ??= RocksDbStoreOptions.Default;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BlockCacheBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.WriteBufferBytes);
        var path = Path.GetFullPath(directory);
        try
        {
            Directory.CreateDirectory(path);
            return new RocksDbStore(RocksDb.Open(DatabaseOptions(options), path, ColumnFamilyOptions(options)));
        }
        catch (RocksDbSharpException e)
        {
            throw Translate(e, StorageException.OpenFailed, $"cannot open the database in {path}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StorageException(StorageException.OpenFailed, $"cannot create the database directory {path}: {e.Message}", e);
        }
    }

    public byte[]? Get(Column column, ReadOnlySpan<byte> key)
    {
        Enter();
        try
        {
            return _db.Get(key, Family(column));
        }
        catch (RocksDbSharpException e)
        {
            throw Translate(e, StorageException.ReadFailed, $"cannot read from {FamilyName(column)}");
        }
        finally
        {
            Exit();
        }
    }

    public bool TryGet(Column column, ReadOnlySpan<byte> key, [NotNullWhen(true)] out byte[]? value)
    {
        value = Get(column, key);
        return value is not null;
    }

    public void Put(Column column, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        Enter();
        try
        {
            _db.Put(key, value, Family(column), _syncWrites);
        }
        catch (RocksDbSharpException e)
        {
            throw Translate(e, StorageException.WriteFailed, $"cannot write to {FamilyName(column)}");
        }
        finally
        {
            Exit();
        }
    }

    public IWriteBatch CreateBatch()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _closing) != 0, this);
        return new RocksDbWriteBatch(this);
    }

    public void Commit(IWriteBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch is not RocksDbWriteBatch ours || ours.Store != this)
        {
            throw new ArgumentException("the batch was created by another store", nameof(batch));
        }

        Enter();
        try
        {
            _db.Write(ours.Native, _syncWrites);
        }
        catch (RocksDbSharpException e)
        {
            throw Translate(e, StorageException.WriteFailed, "cannot commit a write batch");
        }
        finally
        {
            Exit();
        }
    }

    public IEnumerable<KeyValuePair<byte[], byte[]>> Iterate(Column column, ReadOnlySpan<byte> prefix) =>
        Scan(column, prefix.ToArray(), stopAtPrefixEnd: true);

    public IEnumerable<KeyValuePair<byte[], byte[]>> IterateFrom(Column column, ReadOnlySpan<byte> startKey) =>
        Scan(column, startKey.ToArray(), stopAtPrefixEnd: false);

    /// <summary>
    /// Closes the database once the operations and enumerations in flight have finished; an enumeration that is
    /// never disposed, or one on the calling thread, would make this wait forever.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
        {
            return;
        }

        var wait = new SpinWait();
        while (Volatile.Read(ref _users) != 0)
        {
            wait.SpinOnce();
        }

        _db.Dispose();
    }

    internal ColumnFamilyHandle Family(Column column)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _closing) != 0, this);
        return (uint)column < (uint)_families.Length
            ? _families[(int)column]
            : throw new ArgumentOutOfRangeException(nameof(column), column, "unknown column");
    }

    private IEnumerable<KeyValuePair<byte[], byte[]>> Scan(Column column, byte[] start, bool stopAtPrefixEnd)
    {
        var family = Family(column);
        return Enumerate();

        IEnumerable<KeyValuePair<byte[], byte[]>> Enumerate()
        {
            Enter();
            try
            {
                using var iterator = _db.NewIterator(family);
                for (iterator.Seek(start); iterator.Valid(); iterator.Next())
                {
                    if (stopAtPrefixEnd && !iterator.GetKeySpan().StartsWith(start))
                    {
                        yield break;
                    }

                    yield return new(iterator.Key(), iterator.Value());
                }

                ThrowIfIteratorFailed(iterator, column);
            }
            finally
            {
                Exit();
            }
        }
    }

    // Valid() turns false both at the end of the data and on a read error; only the status tells them apart.
    private static void ThrowIfIteratorFailed(Iterator iterator, Column column)
    {
        try
        {
            RocksDbSharp.Native.Instance.rocksdb_iter_get_error(iterator.Handle);
        }
        catch (RocksDbSharpException e)
        {
            throw Translate(e, StorageException.ReadFailed, $"cannot iterate {FamilyName(column)}");
        }
    }

    private void Enter()
    {
        Interlocked.Increment(ref _users);
        if (Volatile.Read(ref _closing) != 0)
        {
            Exit();
            ObjectDisposedException.ThrowIf(true, this);
        }
    }

    private void Exit() => Interlocked.Decrement(ref _users);

    // The names are the on-disk identity of each column: renaming one orphans its data.
    private static string FamilyName(Column column) => column switch
    {
        Column.Headers => "headers",
        Column.Blocks => "blocks",
        Column.TxIndex => "tx_index",
        Column.State => "state",
        Column.Meta => "meta",
        _ => throw new ArgumentOutOfRangeException(nameof(column), column, "unknown column"),
    };

    private static DbOptions DatabaseOptions(RocksDbStoreOptions options) => new DbOptions()
        .SetCreateIfMissing(true)
        .SetCreateMissingColumnFamilies(true)
        .SetParanoidChecks(true)
        // With every write synced, a torn record can only be the one being written at the crash, which was
        // never acknowledged; recovery stops there and keeps everything before it.
        .SetWalRecoveryMode(Recovery.PointInTime)
        // Column families share the WAL, so one that is rarely written (meta) would pin old WAL files forever
        // without a cap that forces it to flush.
        .SetMaxTotalWalSize(4 * (ulong)options.WriteBufferBytes)
        .SetDbWriteBufferSize((ulong)options.WriteBufferBytes)
        .IncreaseParallelism(Math.Max(2, Environment.ProcessorCount))
        .SetKeepLogFileNum(5);

    private static ColumnFamilies ColumnFamilyOptions(RocksDbStoreOptions options)
    {
        var cache = Cache.CreateLru((ulong)options.BlockCacheBytes);
        var families = new ColumnFamilies(FamilyOptions(cache, bloom: false));
        foreach (var column in AllColumns)
        {
            // Meta holds a handful of keys that are always cached; a filter would cost more than it saves.
            families.Add(FamilyName(column), FamilyOptions(cache, bloom: column != Column.Meta));
        }

        return families;
    }

    private static ColumnFamilyOptions FamilyOptions(Cache cache, bool bloom)
    {
        var table = new BlockBasedTableOptions()
            .SetBlockCache(cache)
            // Keeps index and filter memory inside the cache budget instead of growing with the database.
            .SetCacheIndexAndFilterBlocks(true)
            .SetPinL0FilterAndIndexBlocksInCache(true);
        if (bloom)
        {
            table.SetFilterPolicy(BloomFilterPolicy.Create(BloomBitsPerKey, false));
        }

        // LZ4 is linked into the packaged native library and is cheap enough that incompressible values
        // (hashes, signatures) cost little.
        return new ColumnFamilyOptions()
            .SetCompression(Compression.Lz4)
            .SetBlockBasedTableFactory(table);
    }

    private static StorageException Translate(RocksDbSharpException e, string fallbackCode, string context)
    {
        var message = e.Message;
        var code = message switch
        {
            _ when message.StartsWith("Corruption", StringComparison.Ordinal) => StorageException.Corrupt,
            // Another process holds the lock file, or another store in this process does.
            _ when message.Contains("While lock file", StringComparison.Ordinal)
                || message.Contains("lock hold by current process", StringComparison.Ordinal) => StorageException.Locked,
            _ => fallbackCode,
        };
        return new StorageException(code, $"{context}: {message}", e);
    }
}
