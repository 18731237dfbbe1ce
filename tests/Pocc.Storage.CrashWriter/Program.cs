using System.Diagnostics;
using Pocc.Storage;
using Pocc.Storage.CrashWriter;

// Usage: Pocc.Storage.CrashWriter <directory>
// Continues after the last committed batch and prints each batch number once its commit has returned.
// The time limit only matters if the test that should kill this process dies first.
var deadline = Stopwatch.StartNew();
using var store = RocksDbStore.Open(args[0]);
for (var batchNumber = CrashLayout.LastCommitted(store) + 1; deadline.Elapsed < TimeSpan.FromSeconds(60); batchNumber++)
{
    using var batch = store.CreateBatch();
    CrashLayout.Write(batch, batchNumber);
    store.Commit(batch);
    Console.WriteLine(batchNumber);
}
