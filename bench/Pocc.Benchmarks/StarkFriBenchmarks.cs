using BenchmarkDotNet.Attributes;
using Pocc.Proofs.Stark;
using Pocc.Proofs.Stark.Fri;

namespace Pocc.Benchmarks;

/// <summary>
/// FRI on 2^16 extension-field evaluations of a polynomial of degree &lt; 2^14 (blowup 4, folding factor 4, 32 queries,
/// 16 grinding bits, remainder degree &lt; 16): the whole prover (folds, layer commitments, grinding, openings) and the
/// verifier of its proof, decoding included.
/// </summary>
[MemoryDiagnoser]
public class StarkFriBenchmarks
{
    private const int LogN = 16;
    private const string Seed = "pocc.bench.fri";

    private static readonly Goldilocks Shift = Goldilocks.Generator;

    private readonly FriParameters _parameters = new(blowup: 4, foldingFactor: 4, queries: 32, grindingBits: 16, maxRemainderDegree: 15);
    private GoldilocksExt2[] _evaluations = [];
    private byte[] _proof = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        Goldilocks[] Coefficients() =>
            [.. Enumerable.Range(0, _parameters.DegreeBound(LogN)).Select(_ => Goldilocks.FromUInt64((ulong)random.NextInt64()))];
        Goldilocks[] c0 = Ntt.EvaluateOnCoset(Coefficients(), 1 << LogN, Shift);
        Goldilocks[] c1 = Ntt.EvaluateOnCoset(Coefficients(), 1 << LogN, Shift);
        _evaluations = [.. c0.Zip(c1, (a, b) => new GoldilocksExt2(a, b))];
        _proof = FriProver.Prove(_parameters, _evaluations, Shift, new Transcript(Seed)).Encode();
    }

    [Benchmark(Baseline = true)]
    public FriProof Prove_2_16() => FriProver.Prove(_parameters, _evaluations, Shift, new Transcript(Seed));

    [Benchmark]
    public int Verify_2_16()
    {
        FriProof proof = FriProof.Decode(_proof, _parameters, LogN);
        FriVerifier.Verify(_parameters, LogN, Shift, proof, new Transcript(Seed));
        return proof.LayerRoots.Count;
    }
}
