using System.Diagnostics;
using Pocc.Core.Hashing;
using Pocc.Core.Matrices;
using Pocc.Proofs.Freivalds;

namespace Pocc.Compute.Matmul;

/// <summary>
/// Times an n×n·n×n product with the default executor and, in the same run, the baselines it is judged against:
/// OpenBLAS dgemm called directly, the managed fallback (f64), the Freivalds check of the result and BLAKE3 over it.
/// Every figure is the median of <c>repetitions</c> runs after a warm-up of at least one run and 500 ms, so the ratios stay meaningful on a busy machine.
/// </summary>
public static class MatmulBenchmark
{
    /// <summary>Freivalds rounds timed for both dtypes: 2 rounds are 122 bits for mod61 and a 1/4 miss bound for f64.</summary>
    public const int VerifyRounds = 2;

    /// <summary>The relative tolerance used for the f64 check.</summary>
    public const double Float64Tolerance = 1e-9;

    private const double WarmUpMilliseconds = 500;
    private const int MaxWarmUps = 200;

    public static MatmulBenchmarkResult Run(int n, MatrixElementType type, int repetitions = 3, bool includeManaged = true, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(repetitions, 1);
        var executor = MatmulExecutor.CreateDefault();
        IMatmulKernel kernel = executor.KernelFor(type);
        Hash32 seedA = Blake3Hash.Of("pocc/bench/matmul/a"u8), seedB = Blake3Hash.Of("pocc/bench/matmul/b"u8);
        Hash32 challengeSeed = Blake3Hash.Of("pocc/bench/matmul/challenge"u8);
        var a = Matrix.Random(n, n, type, seedA);
        var b = Matrix.Random(n, n, type, seedB);
        double flops = 2.0 * n * n * n;

        Matrix c = null!;
        double compute = Median(repetitions, () => c = kernel.Multiply(a, b, cancellationToken), cancellationToken);

        double? openBlas = null, managed = null;
        if (OpenBlasKernel.TryCreate(out var blas, out _))
        {
            // For mod61 the baseline is f64 dgemm at the same n: what exactness costs against floating point.
            Matrix fa = type == MatrixElementType.Float64 ? a : Matrix.Random(n, n, MatrixElementType.Float64, seedA);
            Matrix fb = type == MatrixElementType.Float64 ? b : Matrix.Random(n, n, MatrixElementType.Float64, seedB);
            openBlas = flops / Median(repetitions, () => blas!.Multiply(fa, fb, cancellationToken), cancellationToken) / 1e9;
        }
        if (type == MatrixElementType.Float64 && includeManaged)
        {
            var fallback = executor.Float64Kernel as ManagedFloat64Kernel ?? new ManagedFloat64Kernel();
            managed = flops / Median(repetitions, () => fallback.Multiply(a, b, cancellationToken), cancellationToken) / 1e9;
        }

        FreivaldsResult verdict = null!;
        double verify = Median(repetitions, () => verdict = type == MatrixElementType.Mod61
            ? FreivaldsVerifier.VerifyMod61(a, b, c, challengeSeed, VerifyRounds, cancellationToken: cancellationToken)
            : FreivaldsVerifier.VerifyFloat64(a, b, c, challengeSeed, VerifyRounds, Float64Tolerance, cancellationToken: cancellationToken), cancellationToken);

        double hash = Median(repetitions, () => MatrixCodec.HashEncoded(c), cancellationToken);

        double gflops = flops / compute / 1e9;
        return new MatmulBenchmarkResult
        {
            N = n,
            Dtype = Matrix.ElementTypeName(type),
            Kernel = kernel.Name,
            Executor = executor.Description,
            ExecutorGflops = gflops,
            MultiplyAddsPerSecond = (double)n * n * n / compute,
            OpenBlasGflops = openBlas,
            RatioToOpenBlas = openBlas is { } ob ? gflops / ob : null,
            ManagedGflops = managed,
            ComputeMs = compute * 1e3,
            VerifyRounds = VerifyRounds,
            VerifyMs = verify * 1e3,
            VerifyToCompute = verify / compute,
            VerifyAccepted = verdict.Accepted,
            SoundnessBits = verdict.SoundnessBits,
            BytesHashed = MatrixCodec.EncodedLength(n, n),
            HashMs = hash * 1e3,
            Repetitions = repetitions,
            Cores = Environment.ProcessorCount,
        };
    }

    // Median seconds of repetitions timed runs after an untimed warm-up: at least one run and at least 500 ms, because
    // code called only a few times (ours and the BLAKE3 wrapper's) runs unoptimised until tiered JIT promotes it.
    private static double Median(int repetitions, Action action, CancellationToken cancellationToken)
    {
        long warmUpStart = Stopwatch.GetTimestamp();
        int warmUps = 0;
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            action();
            warmUps++;
        }
        while (Stopwatch.GetElapsedTime(warmUpStart).TotalMilliseconds < WarmUpMilliseconds && warmUps < MaxWarmUps);
        var seconds = new double[repetitions];
        for (int i = 0; i < repetitions; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long start = Stopwatch.GetTimestamp();
            action();
            seconds[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        Array.Sort(seconds);
        return repetitions % 2 == 1 ? seconds[repetitions / 2] : (seconds[repetitions / 2 - 1] + seconds[repetitions / 2]) / 2;
    }
}
