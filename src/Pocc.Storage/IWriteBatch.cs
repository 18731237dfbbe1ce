namespace Pocc.Storage;

/// <summary>Writes collected in memory and applied all-or-nothing by <see cref="IKeyValueStore.Commit"/>.</summary>
/// <remarks>Disposing a batch without committing it discards its writes.</remarks>
public interface IWriteBatch : IDisposable
{
    void Put(Column column, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value);

    void Delete(Column column, ReadOnlySpan<byte> key);

    /// <summary>Number of puts and deletes recorded so far.</summary>
    int Count { get; }
}
