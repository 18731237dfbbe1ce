using System.Diagnostics;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging.Abstractions;
using Pocc.Consensus.Engine;
using Pocc.Core.Crypto;
using Pocc.Ledger.Chain;
using Pocc.Ledger.Genesis;
using Pocc.Ledger.Mempool;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Transactions;
using Pocc.Storage;

namespace Pocc.Cli.Bench;

/// <summary>The figures of <c>pocc bench ledger</c>.</summary>
public sealed record LedgerBenchmarkResult
{
    [JsonPropertyName("transactions")] public int Transactions { get; init; }
    [JsonPropertyName("accounts")] public int Accounts { get; init; }
    [JsonPropertyName("blocks")] public int Blocks { get; init; }
    [JsonPropertyName("seconds")] public double Seconds { get; init; }
    [JsonPropertyName("tx_per_second")] public double TxPerSecond { get; init; }
    [JsonPropertyName("ed25519_verify_per_second")] public double Ed25519VerifyPerSecond { get; init; }
    [JsonPropertyName("ed25519_verify_per_second_one_core")] public double Ed25519VerifyPerSecondOneCore { get; init; }
    [JsonPropertyName("tx_per_second_vs_ed25519_verify")] public double TxPerSecondVsEd25519Verify { get; init; }
    [JsonPropertyName("cores")] public int Cores { get; init; }
}

/// <summary>
/// Signed transfers verified, applied and persisted per second: pre-signed transfers (signing is the clients' work,
/// not timed) enter the mempool in batches with parallel signature checks while the producer executes, commits
/// and syncs blocks to RocksDB — the node's real path, minus HTTP. The Ed25519 verify rate of this process is
/// measured in the same run as the baseline.
/// </summary>
public static class LedgerBenchmark
{
    public static LedgerBenchmarkResult Run(int transactionCount, int accountCount)
    {
        var directory = Directory.CreateTempSubdirectory("pocc-bench-ledger-");
        try
        {
            using var validator = KeyPair.FromLabel("bench-validator");
            var keys = new KeyPair[accountCount];
            Parallel.For(0, accountCount, i => keys[i] = KeyPair.FromLabel($"bench-account-{i}"));
            var genesis = new GenesisDocument
            {
                ChainId = "pocc-bench",
                Accounts = [.. keys.Select(k => new GenesisAccount(k.Address.ToString(), 1_000_000_000_000))],
                Validators = [new GenesisValidator(validator.PublicKey.ToString(), 1_000_000)],
            };
            var chainId = genesis.GetChainId();
            var transactions = new SignedTransaction[transactionCount];
            Parallel.For(0, transactionCount, i =>
            {
                int sender = i % accountCount;
                ulong nonce = (ulong)(i / accountCount);
                var to = keys[(sender + 1 + (i % (accountCount - 1))) % accountCount].Address;
                transactions[i] = new Transaction(chainId, keys[sender].PublicKey, nonce, new Amount(1 + (ulong)(i % 7)), new Transfer(to, new Amount(1))).Sign(keys[sender]);
            });
            foreach (var tx in transactions)
            {
                _ = tx.Hash;
            }

            double verifyAll = Ed25519Baseline.VerificationsPerSecond(TimeSpan.FromSeconds(2), allCores: true);
            double verifyOne = Ed25519Baseline.VerificationsPerSecond(TimeSpan.FromSeconds(1), allCores: false);

            using var store = RocksDbStore.Open(directory.FullName);
            var chain = Blockchain.Open(store, genesis);
            var pool = new TransactionPool(chain, new MempoolOptions { MaxTransactions = transactionCount + 1, MaxPerSender = transactionCount }, TimeProvider.System);
            var producer = new SoloBlockProducer(chain, pool, validator, new SoloBlockProducerOptions(), TimeProvider.System, NullLogger<SoloBlockProducer>.Instance);

            var clock = Stopwatch.StartNew();
            var admission = Task.Run(() =>
            {
                const int batch = 2_000;
                for (int start = 0; start < transactionCount; start += batch)
                {
                    var slice = transactions.AsSpan(start, Math.Min(batch, transactionCount - start)).ToArray();
                    var errors = pool.AddBatch(slice);
                    if (Array.Find(errors, e => e is not null) is { } error)
                    {
                        throw new InvalidOperationException($"benchmark transaction refused: {error.Code}: {error.Message}");
                    }
                }
            });
            long finalized = 0;
            int blocks = 0;
            while (finalized < transactionCount)
            {
                if (admission.IsFaulted)
                {
                    admission.GetAwaiter().GetResult();
                }
                if (pool.Count == 0)
                {
                    Thread.Sleep(1);
                    continue;
                }
                finalized += producer.ProduceBlock().Committed.Block.Transactions.Count;
                blocks++;
            }
            admission.GetAwaiter().GetResult();
            double seconds = clock.Elapsed.TotalSeconds;
            if (!chain.SupplyIsConserved())
            {
                throw new InvalidOperationException("supply not conserved after the benchmark");
            }
            foreach (var key in keys)
            {
                key.Dispose();
            }
            double rate = transactionCount / seconds;
            return new LedgerBenchmarkResult
            {
                Transactions = transactionCount,
                Accounts = accountCount,
                Blocks = blocks,
                Seconds = Math.Round(seconds, 3),
                TxPerSecond = Math.Round(rate, 1),
                Ed25519VerifyPerSecond = Math.Round(verifyAll, 1),
                Ed25519VerifyPerSecondOneCore = Math.Round(verifyOne, 1),
                TxPerSecondVsEd25519Verify = Math.Round(rate / verifyAll, 3),
                Cores = Environment.ProcessorCount,
            };
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
