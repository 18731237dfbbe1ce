using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Pocc.Core.Crypto;
using Pocc.Core.Crypto.Vrf;
using Pocc.Core.Encoding;
using Pocc.Core.Hashing;
using Pocc.Ledger.Blocks;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Transactions;

namespace Pocc.Benchmarks;

/// <summary>
/// Canonical encode and decode of a signed transfer and of a 1,000-transaction block. Each category's baseline is
/// its encode. Block encode copies each transaction's cached encoding, as block production and storage do; block
/// decode parses every transaction, as sync and reads from disk do.
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class EncodingBenchmarks
{
    private const int BlockTransactions = 1_000;

    private KeyPair[] _keys = [];
    private SignedTransaction _transfer = null!;
    private byte[] _transferBytes = [];
    private Block _block = null!;
    private byte[] _blockBytes = [];

    [GlobalSetup]
    public void Setup()
    {
        _keys = Transfers.Keys("encoding", 100);
        var transactions = Transfers.Sign(_keys, BlockTransactions);
        _transfer = transactions[0];
        _transferBytes = Canonical.Encode(_transfer);
        foreach (var tx in transactions)
        {
            _ = tx.Encoded;
        }
        var header = new BlockHeader(
            Transfers.ChainId,
            new Height(42),
            1_700_000_000_000,
            Blake3Hash.Of("previous"u8),
            Blake3Hash.Of("last commit"u8),
            Block.ComputeTransactionsRoot(transactions),
            BlockTransactions,
            Blake3Hash.Of("state"u8),
            _keys[0].Address,
            Ecvrf.Prove(_keys[0], "beacon"u8));
        _block = new Block(header, transactions);
        _blockBytes = _block.Encode();
        if (Block.Decode(_blockBytes).Transactions.Count != BlockTransactions || !SignedTransaction.Decode(_transferBytes).Encoded.SequenceEqual(_transferBytes))
        {
            throw new InvalidOperationException("the fixtures do not round-trip");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => Transfers.Dispose(_keys);

    // Canonical.Encode, not SignedTransaction.Encoded, which would return the bytes cached on the first call.
    [Benchmark(Baseline = true), BenchmarkCategory("Transaction")]
    public byte[] EncodeTransfer() => Canonical.Encode(_transfer);

    [Benchmark, BenchmarkCategory("Transaction")]
    public SignedTransaction DecodeTransfer() => SignedTransaction.Decode(_transferBytes);

    [Benchmark(Baseline = true), BenchmarkCategory("Block1000")]
    public byte[] EncodeBlock() => _block.Encode();

    [Benchmark, BenchmarkCategory("Block1000")]
    public Block DecodeBlock() => Block.Decode(_blockBytes);
}
