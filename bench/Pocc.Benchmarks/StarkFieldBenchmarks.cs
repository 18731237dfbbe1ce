using BenchmarkDotNet.Attributes;
using Pocc.Proofs.Stark;

namespace Pocc.Benchmarks;

/// <summary>
/// The STARK prover's arithmetic: Goldilocks multiplication as a dependent chain (latency, the baseline) and over
/// spans (throughput, scalar and vector), the quadratic extension's multiplication, NTTs of 2^16 and 2^20 (2^20 also
/// on one core, to show what the split across cores buys) and the low-degree extension of a 2^18 trace column ×8.
/// The per-element rows divide by the element count (<c>OperationsPerInvoke</c>); the transforms are per call.
/// </summary>
[MemoryDiagnoser]
public class StarkFieldBenchmarks
{
    private const int Chain = 1_024;
    private const int SpanLength = 4_096;

    private Goldilocks _x;
    private Goldilocks _y;
    private GoldilocksExt2 _ex;
    private GoldilocksExt2 _ey;
    private Goldilocks[] _a = [];
    private Goldilocks[] _b = [];
    private Goldilocks[] _product = [];
    private Goldilocks[] _ntt16 = [];
    private Goldilocks[] _ntt20 = [];
    private Goldilocks[] _trace18 = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        Goldilocks Next() => Goldilocks.FromUInt64((ulong)random.NextInt64() * 3 + 1);
        Goldilocks[] Vector(int n) => Enumerable.Range(0, n).Select(_ => Next()).ToArray();

        (_x, _y) = (Next(), Next());
        (_ex, _ey) = (new GoldilocksExt2(Next(), Next()), new GoldilocksExt2(Next(), Next()));
        (_a, _b, _product) = (Vector(SpanLength), Vector(SpanLength), new Goldilocks[SpanLength]);
        (_ntt16, _ntt20, _trace18) = (Vector(1 << 16), Vector(1 << 20), Vector(1 << 18));
        // Build the twiddle tables outside the measurement.
        Ntt.Forward(_ntt20);
        Ntt.CosetLowDegreeExtension(_trace18, 8, Goldilocks.Generator);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Chain)]
    public Goldilocks Mul_DependentChain()
    {
        Goldilocks x = _x;
        for (int i = 0; i < Chain; i++)
        {
            x *= _y;
        }
        return x;
    }

    [Benchmark(OperationsPerInvoke = SpanLength)]
    public void Mul_Span_Scalar()
    {
        Goldilocks[] a = _a, b = _b, product = _product;
        for (int i = 0; i < product.Length; i++)
        {
            product[i] = a[i] * b[i];
        }
    }

    [Benchmark(OperationsPerInvoke = SpanLength)]
    public void Mul_Span_Vector() => GoldilocksVector.Multiply(_a, _b, _product);

    [Benchmark(OperationsPerInvoke = Chain)]
    public GoldilocksExt2 Ext2Mul_DependentChain()
    {
        GoldilocksExt2 x = _ex;
        for (int i = 0; i < Chain; i++)
        {
            x *= _ey;
        }
        return x;
    }

    // In place, so each call transforms the previous call's output: the same work on different values.
    [Benchmark]
    public void Ntt_2_16() => Ntt.Forward(_ntt16);

    [Benchmark]
    public void Ntt_2_20() => Ntt.Forward(_ntt20);

    [Benchmark]
    public void Ntt_2_20_OneCore() => Ntt.Forward(_ntt20, parallel: false);

    [Benchmark]
    public Goldilocks[] Lde_2_18_x8() => Ntt.CosetLowDegreeExtension(_trace18, 8, Goldilocks.Generator);
}
