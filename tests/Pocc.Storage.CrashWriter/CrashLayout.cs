using System.Buffers.Binary;

namespace Pocc.Storage.CrashWriter;

/// <summary>What the crash writer puts in each batch, shared with the test that checks what survived.</summary>
public static class CrashLayout
{
    public const int KeysPerBatch = 64;

    // Large enough that one batch spans several 32 KiB WAL blocks, so a kill can land inside a record.
    private const int ValueSize = 1024;

    public static ReadOnlySpan<byte> LastKey => "last"u8;

    /// <summary>Batch number then key index, big-endian, so the state column iterates batch by batch.</summary>
    public static byte[] Key(long batchNumber, int index)
    {
        var key = new byte[sizeof(long) + sizeof(ushort)];
        BinaryPrimitives.WriteInt64BigEndian(key, batchNumber);
        BinaryPrimitives.WriteUInt16BigEndian(key.AsSpan(sizeof(long)), checked((ushort)index));
        return key;
    }

    public static long BatchOfKey(ReadOnlySpan<byte> key) => BinaryPrimitives.ReadInt64BigEndian(key);

    /// <summary>The value of every key of a batch: its number, padded.</summary>
    public static byte[] Value(long batchNumber)
    {
        var value = new byte[ValueSize];
        BinaryPrimitives.WriteInt64BigEndian(value, batchNumber);
        return value;
    }

    public static void Write(IWriteBatch batch, long batchNumber)
    {
        var value = Value(batchNumber);
        for (var index = 0; index < KeysPerBatch; index++)
        {
            batch.Put(Column.State, Key(batchNumber, index), value);
        }

        batch.Put(Column.Meta, LastKey, value.AsSpan(0, sizeof(long)));
    }

    /// <summary>The number of the last committed batch, 0 for an empty store.</summary>
    public static long LastCommitted(IKeyValueStore store) =>
        store.Get(Column.Meta, LastKey) is { } value ? BinaryPrimitives.ReadInt64BigEndian(value) : 0;
}
