using BenchmarkDotNet.Attributes;
using Pocc.Core.Hashing;
using Pocc.Proofs.Stark;

namespace Pocc.Benchmarks;

/// <summary>
/// The STARK prover's commitments and Fiat–Shamir: a row commitment to 2^20 rows × 4 base-field columns (leaf hashing and
/// the tree, on every core), the multi-proof opening 32 random rows of it and its verification, and transcript rounds:
/// absorb a root then draw an extension-field challenge; draw 32 query indices in [0, 2^20); grind 16 bits of work.
/// </summary>
[MemoryDiagnoser]
public class StarkCommitBenchmarks
{
    private const int LogRows = 20;
    private const int Queries = 32;

    private Goldilocks[][] _columns = [];
    private RowCommitment _tree = null!;
    private int[] _indices = [];
    private Goldilocks[][] _rows = [];
    private MerkleMultiProof _proof = null!;
    private Transcript _transcript = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _columns = [.. Enumerable.Range(0, 4).Select(_ =>
            Enumerable.Range(0, 1 << LogRows).Select(_ => Goldilocks.FromUInt64((ulong)random.NextInt64())).ToArray())];
        _tree = RowCommitment.Commit(_columns);
        _transcript = new Transcript("pocc.bench");
        _indices = _transcript.DrawQueries("q", Queries, LogRows);
        _rows = [.. _indices.Select(i => _columns.Select(c => c[i]).ToArray())];
        _proof = _tree.Open(_indices);
    }

    [Benchmark(Baseline = true)]
    public Hash32 Commit_2_20_x4() => RowCommitment.Commit(_columns).Root;

    [Benchmark]
    public MerkleMultiProof Open_32() => _tree.Open(_indices);

    [Benchmark]
    public bool Verify_32() => RowCommitment.Verify(_tree.Root, LogRows, _indices, _rows, _proof);

    // Each call continues the same transcript, so every round hashes a new state.
    [Benchmark]
    public GoldilocksExt2 Transcript_AbsorbRoot_DrawExt()
    {
        _transcript.AbsorbRoot("root", _tree.Root);
        return _transcript.DrawExtField("alpha");
    }

    [Benchmark]
    public int[] Transcript_Draw32Queries() => _transcript.DrawQueries("q", Queries, LogRows);

    // A fresh transcript each call: the same state, so the same nonce and the same work every time.
    [Benchmark]
    public ulong Grind_16() => new Transcript("pocc.bench").Grind(16);
}
