using BenchmarkDotNet.Attributes;
using Pocc.Core.Crypto;
using Pocc.Core.Crypto.Vrf;
using Pocc.Ledger.Blocks;
using Pocc.Ledger.Chain;
using Pocc.Ledger.Genesis;
using Pocc.Ledger.Transactions;
using Pocc.Storage;

namespace Pocc.Benchmarks;

/// <summary>
/// One block of 2,000 transfers through <see cref="Blockchain.Propose"/> and <see cref="Blockchain.Commit"/> on
/// RocksDB, as the solo producer makes it: execute, state root, encode, sign and verify the commit, one synced
/// write. The baseline checks every signature in Propose (transactions the node has not seen before); the
/// mempool variant has them checked in the iteration setup, as admission to the mempool does, so Propose only
/// finds them in the verifier's memory. Each iteration commits a fresh block: every sender's nonce advances by one.
/// </summary>
[MemoryDiagnoser]
public class BlockApplyBenchmarks
{
    private const int BlockTransactions = 2_000;

    private DirectoryInfo? _directory;
    private RocksDbStore? _store;
    private Blockchain _chain = null!;
    private KeyPair _validator = null!;
    private KeyPair[] _senders = [];
    private ulong _nextNonce;
    private SignedTransaction[]? _next;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("pocc-bench-block-");
        _validator = KeyPair.FromLabel("bench-block-validator");
        _senders = Transfers.Keys("bench-block-account", BlockTransactions);
        var genesis = new GenesisDocument
        {
            ChainId = Transfers.ChainId.Value,
            Accounts = [.. _senders.Select(k => new GenesisAccount(k.Address.ToString(), 1_000_000_000_000))],
            Validators = [new GenesisValidator(_validator.PublicKey.ToString(), 1_000_000)],
        };
        _store = RocksDbStore.Open(_directory.FullName);
        _chain = Blockchain.Open(_store, genesis);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store?.Dispose();
        _directory?.Delete(recursive: true);
        _validator?.Dispose();
        Transfers.Dispose(_senders);
    }

    // An iteration setup forces one invocation per iteration, so each setup prepares exactly one block. It may run
    // without a benchmark call after it (overhead iterations); then the prepared block simply waits for the next call.
    [IterationSetup(Target = nameof(ProposeAndCommit))]
    public void PrepareBlock() => _next ??= Transfers.Sign(_senders, BlockTransactions, _nextNonce);

    [IterationSetup(Target = nameof(ProposeAndCommit_MempoolVerified))]
    public void PrepareVerifiedBlock()
    {
        PrepareBlock();
        _ = _chain.Verifier.VerifyAll(_next!);
    }

    [Benchmark(Baseline = true)]
    public CommittedBlock ProposeAndCommit() => ProposeAndCommitNext();

    [Benchmark]
    public CommittedBlock ProposeAndCommit_MempoolVerified() => ProposeAndCommitNext();

    private CommittedBlock ProposeAndCommitNext()
    {
        var transactions = _next ?? throw new InvalidOperationException("no block prepared: the iteration setup did not run before this invocation");
        _next = null;
        var height = _chain.Height.Next;
        var proposed = _chain.Propose(transactions, _validator.Address, timestampMs: height.Value * 1_000, alpha => Ecvrf.Prove(_validator, alpha));
        if (proposed.Rejected.Count != 0)
        {
            throw new InvalidOperationException($"the proposal left out {proposed.Rejected.Count} transactions, first: {proposed.Rejected[0].Code}");
        }
        var block = proposed.Block;
        var signature = _validator.Sign(Commit.SigningBytes(_chain.ChainId, height, 0, block.Hash));
        var commit = new Commit(height, 0, block.Hash, [new CommitSignature(_validator.Address, signature)]);
        var committed = _chain.Commit(proposed, commit);
        _nextNonce++;
        return committed;
    }
}
