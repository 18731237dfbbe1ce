namespace Pocc.Storage;

/// <summary>Memory budget of a <see cref="RocksDbStore"/>; the defaults suit a single node on a small machine.</summary>
public sealed record RocksDbStoreOptions
{
    public static RocksDbStoreOptions Default { get; } = new();

    /// <summary>LRU cache for data, index and filter blocks, shared by all columns.</summary>
    public long BlockCacheBytes { get; init; } = 64L << 20;

    /// <summary>Cap on the memtables of all columns together; reaching it forces a flush.</summary>
    public long WriteBufferBytes { get; init; } = 64L << 20;
}
