using BenchmarkDotNet.Attributes;
using Pocc.Core.Hashing;
using Pocc.Core.Merkle;

namespace Pocc.Benchmarks;

/// <summary>
/// The state root after a block: <see cref="SparseMerkleTree.Apply"/> of 1,000 and 10,000 value changes to keys
/// of a 100,000-key tree, against rebuilding the whole tree with <see cref="SparseMerkleTree.Build"/> (the baseline,
/// what a restart does). Apply alternates between two value sets for the same keys, so every invocation rehashes
/// the same paths of a tree with the same shape and no iteration setup is needed.
/// </summary>
[MemoryDiagnoser]
public class StateRootBenchmarks
{
    private const int TreeKeys = 100_000;

    private KeyValuePair<Hash32, Hash32>[] _entries = [];
    private SparseMerkleTree _tree = null!;
    private Updates _small = null!;
    private Updates _large = null!;

    [GlobalSetup]
    public void Setup()
    {
        _entries = new KeyValuePair<Hash32, Hash32>[TreeKeys];
        for (int i = 0; i < TreeKeys; i++)
        {
            _entries[i] = new(Blake3Hash.Of(BitConverter.GetBytes(i)), Blake3Hash.Of(BitConverter.GetBytes(~i)));
        }
        _tree = SparseMerkleTree.Build(_entries);
        var random = new Random(7);
        _small = new Updates(_entries, 1_000, random);
        _large = new Updates(_entries, 10_000, random);
    }

    [Benchmark(Baseline = true)]
    public SparseMerkleTree Build_100000() => SparseMerkleTree.Build(_entries);

    [Benchmark]
    public Hash32 Apply_1000() => _small.ApplyNext(_tree);

    [Benchmark]
    public Hash32 Apply_10000() => _large.ApplyNext(_tree);

    /// <summary>Distinct existing keys, each with two new value hashes; each call applies the other set.</summary>
    private sealed class Updates
    {
        private readonly KeyValuePair<Hash32, Hash32?>[][] _sets = new KeyValuePair<Hash32, Hash32?>[2][];
        private int _next;

        public Updates(KeyValuePair<Hash32, Hash32>[] entries, int count, Random random)
        {
            var picked = entries.ToArray();
            random.Shuffle(picked);
            for (int set = 0; set < 2; set++)
            {
                _sets[set] = new KeyValuePair<Hash32, Hash32?>[count];
                for (int i = 0; i < count; i++)
                {
                    _sets[set][i] = new(picked[i].Key, Blake3Hash.Of(BitConverter.GetBytes(set * 1_000_000 + i)));
                }
            }
        }

        public Hash32 ApplyNext(SparseMerkleTree tree)
        {
            tree.Apply(_sets[_next]);
            _next ^= 1;
            return tree.Root;
        }
    }
}
