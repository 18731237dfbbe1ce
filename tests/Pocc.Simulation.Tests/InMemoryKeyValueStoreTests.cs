using Pocc.Storage;

namespace Pocc.Simulation.Tests;

public sealed class InMemoryKeyValueStoreTests
{
    [Fact]
    public void A_batch_applies_whole_on_commit_and_not_at_all_before()
    {
        using var store = new InMemoryKeyValueStore();
        store.Put(Column.State, [1], [10]);
        using var batch = store.CreateBatch();
        batch.Put(Column.State, [2], [20]);
        batch.Delete(Column.State, [1]);

        Assert.Equal([10], store.Get(Column.State, [1]));
        Assert.Null(store.Get(Column.State, [2]));

        store.Commit(batch);

        Assert.Null(store.Get(Column.State, [1]));
        Assert.Equal([20], store.Get(Column.State, [2]));
        Assert.Null(store.Get(Column.Meta, [2]));
    }

    [Fact]
    public void Iterates_a_prefix_and_from_a_key_in_bytewise_order()
    {
        using var store = new InMemoryKeyValueStore();
        foreach (byte[] key in new byte[][] { [2, 0], [1, 255], [1], [1, 0, 7], [0, 9] })
        {
            store.Put(Column.Blocks, key, key);
        }

        Assert.Equal([[1], [1, 0, 7], [1, 255]], store.Iterate(Column.Blocks, [1]).Select(e => e.Key));
        Assert.Equal([[1, 255], [2, 0]], store.IterateFrom(Column.Blocks, [1, 1]).Select(e => e.Key));
    }
}
