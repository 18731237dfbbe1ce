using Pocc.Storage.CrashWriter;

namespace Pocc.Storage.Tests;

public sealed class CrashRecoveryTests
{
    private const int Rounds = 4;
    private const int BatchesPerRound = 40;

    [Fact]
    public async Task Killed_writer_leaves_every_acknowledged_batch_whole_and_no_partial_batch()
    {
        using var directory = new TempDirectory();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        for (var round = 0; round < Rounds; round++)
        {
            long acknowledged;
            using (var writer = CrashWriterProcess.Start(directory.Path))
            {
                // The writer resumes after the last batch that survived, so its first line tells where this round starts.
                await writer.WaitForBatchAsync(1, timeout.Token);
                await writer.WaitForBatchAsync(writer.Acknowledged + BatchesPerRound, timeout.Token);
                await writer.KillAsync(timeout.Token);
                acknowledged = writer.Acknowledged;
            }

            using var store = RocksDbStore.Open(directory.Path);
            var last = CrashLayout.LastCommitted(store);
            Assert.True(last >= acknowledged, $"batch {acknowledged} was acknowledged but the store ends at {last}");
            AssertExactlyBatchesUpTo(store, last);
        }
    }

    [Fact]
    public async Task Opening_a_database_held_by_another_process_fails_as_locked()
    {
        using var directory = new TempDirectory();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var writer = CrashWriterProcess.Start(directory.Path);
        await writer.WaitForBatchAsync(1, timeout.Token);

        var error = Assert.Throws<StorageException>(() => RocksDbStore.Open(directory.Path));

        Assert.Equal(StorageException.Locked, error.Code);
    }

    private static void AssertExactlyBatchesUpTo(RocksDbStore store, long last)
    {
        var keysPerBatch = new Dictionary<long, int>();
        foreach (var (key, value) in store.IterateFrom(Column.State, []))
        {
            var batchNumber = CrashLayout.BatchOfKey(key);
            Assert.Equal(CrashLayout.Value(batchNumber), value);
            keysPerBatch[batchNumber] = keysPerBatch.GetValueOrDefault(batchNumber) + 1;
        }

        Assert.Equal(last, keysPerBatch.Count);
        for (long batchNumber = 1; batchNumber <= last; batchNumber++)
        {
            Assert.Equal(CrashLayout.KeysPerBatch, keysPerBatch.GetValueOrDefault(batchNumber));
        }
    }
}
