using CsCheck;

namespace Pocc.Storage.Tests;

public sealed class RocksDbStoreModelTests
{
    /// <summary>One write of a batch; a null value is a delete.</summary>
    private sealed record Write(Column Column, byte[] Key, byte[]? Value)
    {
        public override string ToString() => Value is null
            ? $"delete {Column} {Convert.ToHexString(Key)}"
            : $"put {Column} {Convert.ToHexString(Key)}={Convert.ToHexString(Value)}";
    }

    private sealed record Batch(IReadOnlyList<Write> Writes, bool Committed)
    {
        public override string ToString() => $"{(Committed ? "commit" : "discard")} [{string.Join(", ", Writes)}]";
    }

    // Keys from a tiny alphabet so batches overwrite and delete each other's keys.
    private static readonly Gen<Write> GenWrite = Gen.Select(
        Gen.Enum<Column>(),
        Gen.Byte[0, 3].Array[0, 3],
        Gen.Byte.Array[0, 8].Null(0.25),
        (column, key, value) => new Write(column, key, value));

    private static readonly Gen<Batch> GenBatch = Gen.Select(
        GenWrite.List[0, 6],
        Gen.Int[0, 4],
        (writes, roll) => new Batch(writes, Committed: roll != 0));

    [Fact]
    public void Random_batches_leave_the_same_contents_as_a_dictionary_after_reopen()
    {
        GenBatch.List[0, 12].Sample(
            batches =>
            {
                var model = new Dictionary<(Column, string), byte[]>();
                using var directory = new TempDirectory();
                using (var store = RocksDbStore.Open(directory.Path))
                {
                    foreach (var batch in batches)
                    {
                        Apply(store, batch);
                        if (batch.Committed)
                        {
                            Apply(model, batch);
                        }
                    }
                }

                using var reopened = RocksDbStore.Open(directory.Path);
                Assert.Equal(model, Contents(reopened));
            },
            iter: 40);
    }

    private static void Apply(RocksDbStore store, Batch batch)
    {
        using var writeBatch = store.CreateBatch();
        foreach (var write in batch.Writes)
        {
            if (write.Value is null)
            {
                writeBatch.Delete(write.Column, write.Key);
            }
            else
            {
                writeBatch.Put(write.Column, write.Key, write.Value);
            }
        }

        if (batch.Committed)
        {
            store.Commit(writeBatch);
        }
    }

    private static void Apply(Dictionary<(Column, string), byte[]> model, Batch batch)
    {
        foreach (var write in batch.Writes)
        {
            var key = (write.Column, Convert.ToHexString(write.Key));
            if (write.Value is null)
            {
                model.Remove(key);
            }
            else
            {
                model[key] = write.Value;
            }
        }
    }

    private static Dictionary<(Column, string), byte[]> Contents(RocksDbStore store)
    {
        var contents = new Dictionary<(Column, string), byte[]>();
        foreach (var column in Enum.GetValues<Column>())
        {
            foreach (var entry in store.IterateFrom(column, []))
            {
                contents.Add((column, Convert.ToHexString(entry.Key)), entry.Value);
            }
        }

        return contents;
    }
}
