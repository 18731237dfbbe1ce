using System.Diagnostics.CodeAnalysis;

namespace Pocc.Storage;

/// <summary>A durable, ordered byte key-value store split into <see cref="Column"/>s.</summary>
/// <remarks>
/// Safe for concurrent use from many threads. Enumerations see a consistent snapshot taken when they
/// start and hold the store open until they are disposed (foreach does this).
/// </remarks>
public interface IKeyValueStore : IDisposable
{
    /// <summary>The value stored under <paramref name="key"/>, or null when there is none.</summary>
    byte[]? Get(Column column, ReadOnlySpan<byte> key);

    bool TryGet(Column column, ReadOnlySpan<byte> key, [NotNullWhen(true)] out byte[]? value);

    /// <summary>Writes one value durably; for more than one write use a batch, which is atomic and syncs once.</summary>
    void Put(Column column, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value);

    IWriteBatch CreateBatch();

    /// <summary>
    /// Applies every write of <paramref name="batch"/> atomically and durably: once this returns, the writes
    /// survive a process kill or power loss, and a crash never leaves part of a batch applied.
    /// </summary>
    void Commit(IWriteBatch batch);

    /// <summary>Every entry whose key starts with <paramref name="prefix"/>, in ascending byte order of keys.</summary>
    IEnumerable<KeyValuePair<byte[], byte[]>> Iterate(Column column, ReadOnlySpan<byte> prefix);

    /// <summary>Every entry whose key is at or after <paramref name="startKey"/>, in ascending byte order of keys.</summary>
    IEnumerable<KeyValuePair<byte[], byte[]>> IterateFrom(Column column, ReadOnlySpan<byte> startKey);
}
