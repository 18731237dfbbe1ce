using RocksDbSharp;

namespace Pocc.Storage;

/// <summary>A RocksDB write batch bound to the store whose column family handles it records.</summary>
internal sealed class RocksDbWriteBatch(RocksDbStore store) : IWriteBatch
{
    private readonly WriteBatch _native = new();
    private bool _disposed;

    public RocksDbStore Store { get; } = store;

    public WriteBatch Native
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _native;
        }
    }

    public int Count => Native.Count();

    public void Put(Column column, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) =>
        Native.Put(key, value, Store.Family(column));

    public void Delete(Column column, ReadOnlySpan<byte> key) => Native.Delete(key, Store.Family(column));

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _native.Dispose();
        }
    }
}
