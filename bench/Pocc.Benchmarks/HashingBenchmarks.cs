using BenchmarkDotNet.Attributes;
using Pocc.Core.Hashing;
using Pocc.Core.Merkle;

namespace Pocc.Benchmarks;

/// <summary>
/// BLAKE3 over 64 B (the baseline: about one Merkle node's input), 1 KiB and 1 MiB, and the Merkle root of 10,000
/// leaf hashes (a large block's transactions root: 9,999 node hashes), so ratios read in units of one small hash.
/// </summary>
[MemoryDiagnoser]
public class HashingBenchmarks
{
    private const int MerkleLeaves = 10_000;

    private byte[] _64B = [];
    private byte[] _1KiB = [];
    private byte[] _1MiB = [];
    private Hash32[] _leafHashes = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _64B = new byte[64];
        _1KiB = new byte[1024];
        _1MiB = new byte[1024 * 1024];
        random.NextBytes(_64B);
        random.NextBytes(_1KiB);
        random.NextBytes(_1MiB);
        _leafHashes = new Hash32[MerkleLeaves];
        for (int i = 0; i < MerkleLeaves; i++)
        {
            _leafHashes[i] = Blake3Hash.Leaf(BitConverter.GetBytes(i));
        }
    }

    [Benchmark(Baseline = true)]
    public Hash32 Blake3_64B() => Blake3Hash.Of(_64B);

    [Benchmark]
    public Hash32 Blake3_1KiB() => Blake3Hash.Of(_1KiB);

    [Benchmark]
    public Hash32 Blake3_1MiB() => Blake3Hash.Of(_1MiB);

    [Benchmark]
    public Hash32 MerkleRoot_10000Leaves() => MerkleTree.ComputeRoot(_leafHashes);
}
