using System.Diagnostics.CodeAnalysis;
using Pocc.Storage;

namespace Pocc.Simulation;

/// <summary>
/// A simulated validator's disk: what a committed batch wrote survives the validator's simulated crash, since a crash
/// drops the objects above the store and keeps the store. Batches apply whole, like RocksDB's.
/// </summary>
public sealed class InMemoryKeyValueStore : IKeyValueStore
{
    private readonly Dictionary<Column, SortedDictionary<byte[], byte[]>> _columns =
        Enum.GetValues<Column>().ToDictionary(c => c, _ => new SortedDictionary<byte[], byte[]>(ByteOrder.Instance));

    public byte[]? Get(Column column, ReadOnlySpan<byte> key) => _columns[column].TryGetValue(key.ToArray(), out var value) ? value : null;

    public bool TryGet(Column column, ReadOnlySpan<byte> key, [NotNullWhen(true)] out byte[]? value) => (value = Get(column, key)) is not null;

    public void Put(Column column, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => _columns[column][key.ToArray()] = value.ToArray();

    public IWriteBatch CreateBatch() => new Batch();

    public void Commit(IWriteBatch batch)
    {
        foreach (var (column, key, value) in ((Batch)batch).Writes)
        {
            if (value is null)
            {
                _columns[column].Remove(key);
            }
            else
            {
                _columns[column][key] = value;
            }
        }
    }

    public IEnumerable<KeyValuePair<byte[], byte[]>> Iterate(Column column, ReadOnlySpan<byte> prefix)
    {
        var start = prefix.ToArray();
        return IterateFrom(column, start).TakeWhile(entry => entry.Key.AsSpan().StartsWith(start));
    }

    // A snapshot, so a caller may write while it reads, as it may with RocksDB's iterators.
    public IEnumerable<KeyValuePair<byte[], byte[]>> IterateFrom(Column column, ReadOnlySpan<byte> startKey)
    {
        var start = startKey.ToArray();
        return _columns[column].SkipWhile(entry => ByteOrder.Instance.Compare(entry.Key, start) < 0).ToArray();
    }

    public void Dispose()
    {
    }

    private sealed class Batch : IWriteBatch
    {
        public List<(Column Column, byte[] Key, byte[]? Value)> Writes { get; } = [];

        public int Count => Writes.Count;

        public void Put(Column column, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => Writes.Add((column, key.ToArray(), value.ToArray()));

        public void Delete(Column column, ReadOnlySpan<byte> key) => Writes.Add((column, key.ToArray(), null));

        public void Dispose()
        {
        }
    }

    /// <summary>RocksDB's default key order: bytewise, a prefix before its extensions.</summary>
    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
