using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Pocc.Core.Addressing;
using Pocc.Core.Crypto;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Transactions;
using Xunit.Abstractions;

namespace Pocc.Cli.Tests.EndToEnd;

/// <summary>
/// SIGKILL at random moments while blocks are produced every 50 ms under a transfer load: every restart must open the
/// database, keep every block and transaction the API had reported as finalized, and carry on from there.
/// </summary>
public sealed class CrashSafetyTests : IDisposable
{
    private const int Rounds = 5;
    private const int Senders = 4;
    private const int TransfersPerSenderPerBatch = 3;
    private const int MaxPending = 300;

    private readonly TempDirectory _dir = new();
    private readonly ITestOutputHelper _output;

    public CrashSafetyTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task Node_killed_at_random_moments_restarts_with_every_finalized_block_and_transaction_intact()
    {
        int seed = Random.Shared.Next();
        _output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var home = _dir.Combine("home");
        var senders = Enumerable.Range(0, Senders).Select(i => KeyPair.FromLabel($"crash-test-sender-{i}")).ToArray();
        try
        {
            var recipient = KeyPair.FromLabel("crash-test-recipient").Address;
            CliAssert.Succeeded(await PoccProcess.RunAsync(["init", "--home", home, .. senders.SelectMany(s => new[] { "--fund", $"{s.Address}=1000000000" })]));
            var seen = new ObservedChain();

            for (int round = 1; round <= Rounds; round++)
            {
                await using var node = await NodeProcess.StartAsync(home, null, "--block-interval-ms", "50");
                await VerifyNothingFinalizedWasLostAsync(node, seen, $"restart {round}");
                using var stopLoad = new CancellationTokenSource();
                var load = LoadAndObserveAsync(node, senders, recipient, seen, stopLoad.Token);
                int killAfterMs = random.Next(300, 2_000);
                await Task.WhenAny(load, Task.Delay(killAfterMs));
                Assert.False(load.IsCompleted, $"the load stopped before the kill: {load.Exception}\n{node.Output}");
                await node.KillAsync();
                await stopLoad.CancelAsync();
                await load;
                _output.WriteLine($"round {round}: killed after {killAfterMs} ms at observed height {seen.HighestHeight}, {seen.Transactions.Count} finalized transactions");
            }

            // Then a graceful stop under the same load, and a last check that the chain carries on.
            await using (var node = await NodeProcess.StartAsync(home, null, "--block-interval-ms", "50"))
            {
                await VerifyNothingFinalizedWasLostAsync(node, seen, $"restart {Rounds + 1}");
                using var stopLoad = new CancellationTokenSource();
                var load = LoadAndObserveAsync(node, senders, recipient, seen, stopLoad.Token);
                await Task.WhenAny(load, Task.Delay(1_000));
                Assert.False(load.IsCompleted, $"the load stopped before SIGTERM: {load.Exception}\n{node.Output}");
                int exitCode = await node.TerminateAsync(TimeSpan.FromSeconds(15));
                await stopLoad.CancelAsync();
                await load;
                Assert.True(exitCode == 0, $"SIGTERM under load: exit code {exitCode}\n{node.Output}");
            }
            await using (var node = await NodeProcess.StartAsync(home, null, "--block-interval-ms", "50"))
            {
                await VerifyNothingFinalizedWasLostAsync(node, seen, "restart after SIGTERM");
                await node.WaitForHeightAsync(seen.HighestHeight + 3);
            }

            Assert.True(seen.HighestHeight > 0, "no block was observed");
            Assert.False(seen.Transactions.IsEmpty, "no transaction was observed finalized");
        }
        finally
        {
            foreach (var key in senders)
            {
                key.Dispose();
            }
        }
    }

    public void Dispose() => _dir.Dispose();

    private static async Task VerifyNothingFinalizedWasLostAsync(NodeProcess node, ObservedChain seen, string round)
    {
        var status = await node.StatusAsync();
        Assert.True(status["height"]!.GetValue<ulong>() >= seen.HighestHeight,
            $"{round}: restarted at height {status["height"]}, below the finalized height {seen.HighestHeight} seen before the stop");
        Assert.True(status["supply_conserved"]!.GetValue<bool>(), $"{round}: supply not conserved after restart");
        await Parallel.ForEachAsync(seen.Blocks, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (entry, _) =>
        {
            var block = await node.GetAsync($"/v1/blocks/{entry.Key}");
            Assert.True(entry.Value.Hash == block["hash"]!.GetValue<string>(), $"{round}: block {entry.Key} changed hash");
            Assert.True(entry.Value.StateRoot == block["header"]!["state_root"]!.GetValue<string>(), $"{round}: block {entry.Key} changed state root");
        });
        await Parallel.ForEachAsync(seen.Transactions, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (entry, _) =>
        {
            var (code, lookup) = await node.TryGetAsync($"/v1/transactions/{entry.Key}");
            Assert.True(code == HttpStatusCode.OK, $"{round}: transaction {entry.Key}, finalized at height {entry.Value} before the stop, is {code} after the restart");
            Assert.True(lookup!["status"]!.GetValue<string>() == "finalized" && lookup["height"]!.GetValue<ulong>() == entry.Value,
                $"{round}: transaction {entry.Key} was finalized at {entry.Value} before the stop, now {lookup}");
        });
    }

    /// <summary>
    /// Submits batches of signed transfers and follows the chain block by block, recording what the API reports as
    /// finalized, until the node dies or the token is cancelled.
    /// </summary>
    private static async Task LoadAndObserveAsync(NodeProcess node, KeyPair[] senders, Address recipient, ObservedChain seen, CancellationToken stop)
    {
        try
        {
            var chainId = new ChainId((await node.StatusAsync())["chain_id"]!.GetValue<string>());
            // Transactions pending at the kill are gone with the mempool: start from the committed nonces.
            var nonces = new ulong[senders.Length];
            for (int i = 0; i < senders.Length; i++)
            {
                nonces[i] = (await node.AccountAsync(senders[i].Address.ToString()))["nonce"]!.GetValue<ulong>();
            }
            var pending = new HashSet<string>();
            ulong next = seen.HighestHeight + 1;
            while (!stop.IsCancellationRequested)
            {
                if (pending.Count < MaxPending)
                {
                    var batch = new List<string>();
                    for (int s = 0; s < senders.Length; s++)
                    {
                        for (int k = 0; k < TransfersPerSenderPerBatch; k++)
                        {
                            var tx = new Transaction(chainId, senders[s].PublicKey, nonces[s]++, new Amount(10), new Transfer(recipient, new Amount(1))).Sign(senders[s]);
                            batch.Add(Convert.ToHexStringLower(tx.Encoded));
                        }
                    }
                    var answer = await node.PostJsonAsync("/v1/transactions/batch", new { txs = batch });
                    foreach (var item in answer["results"]!.AsArray())
                    {
                        // Nonces are consecutive and the pending count is capped, so the node has no reason to refuse any.
                        Assert.True(item!["accepted"]!.GetValue<bool>(), $"transfer refused at admission: {item}");
                        pending.Add(item["hash"]!.GetValue<string>());
                    }
                }

                ulong head = await node.HeightAsync();
                var newlyFinalized = new List<string>();
                for (; next <= head; next++)
                {
                    var block = await node.GetAsync($"/v1/blocks/{next}");
                    seen.Blocks[next] = (block["hash"]!.GetValue<string>(), block["header"]!["state_root"]!.GetValue<string>());
                    foreach (var hash in block["transaction_hashes"]!.AsArray())
                    {
                        var id = hash!.GetValue<string>();
                        seen.Transactions[id] = next;
                        pending.Remove(id);
                        newlyFinalized.Add(id);
                    }
                    seen.HighestHeight = next;
                }

                // Ask the transaction endpoint too, as a client waiting for finality would.
                foreach (var id in newlyFinalized.Take(8))
                {
                    var lookup = await node.GetAsync($"/v1/transactions/{id}");
                    Assert.Equal("finalized", lookup["status"]!.GetValue<string>());
                    Assert.Equal(seen.Transactions[id], lookup["height"]!.GetValue<ulong>());
                }
                await Task.Delay(20, stop);
            }
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException && (stop.IsCancellationRequested || node.StopRequested))
        {
            // The node was killed under the load: requests in flight fail, and nothing they returned was recorded.
        }
    }

    /// <summary>What the API reported as finalized before a kill.</summary>
    private sealed class ObservedChain
    {
        public ConcurrentDictionary<ulong, (string Hash, string StateRoot)> Blocks { get; } = new();

        public ConcurrentDictionary<string, ulong> Transactions { get; } = new();

        public ulong HighestHeight { get; set; }
    }
}
