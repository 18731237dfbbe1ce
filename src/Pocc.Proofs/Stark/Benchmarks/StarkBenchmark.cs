using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using Pocc.Core.Hashing;
using Pocc.Proofs.Stark.Air;
using Pocc.Proofs.Stark.Tasks;

namespace Pocc.Proofs.Stark.Benchmarks;

/// <summary>
/// Proves and verifies one statement of 2^log_n − 1 steps of an AIR and, in the same run, times the computation the
/// proof stands for (the AIR's native <c>Compute</c>), so the overhead ratios stay meaningful on a busy machine.
/// Inputs are derived from fixed labels, so the same arguments give the same statement and the same proof.
/// </summary>
public static class StarkBenchmark
{
    /// <summary>The AIR names the benchmark knows, in the order it runs them.</summary>
    public static IReadOnlyList<string> AirNames { get; } = [PermutationChain, MatrixRecurrence];

    public const string PermutationChain = "permutation-chain";
    public const string MatrixRecurrence = "matrix-recurrence";

    /// <summary>The smallest and largest log2 trace lengths the benchmark accepts.</summary>
    public const int MinLogN = 6;
    public const int MaxLogN = 20;

    // A native sample repeats the computation until it takes this long, so microsecond runs still give a stable figure.
    private const double NativeSampleMilliseconds = 20;
    private const int NativeSamples = 5;

    // Verification is repeated for at least this long and this many runs; its median is reported.
    private const double VerifyMilliseconds = 500;
    private const int MinVerifyRuns = 11;
    private const int MaxVerifyRuns = 1_000;

    // Before the first timing, small proofs run this long so the prover's code is jitted at its final tier.
    private const double WarmUpMilliseconds = 500;
    private const double RepeatWarmUpMilliseconds = 300;
    private const int WarmUpLogN = 10;

    private static bool _warmedUp;

    public static StarkBenchmarkResult Run(string air, int logN, int securityBits = StarkParameters.DefaultSecurityBits, int repetitions = 1, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(logN, MinLogN);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(logN, MaxLogN);
        ArgumentOutOfRangeException.ThrowIfLessThan(repetitions, 1);
        Statement statement = Create(air, (1 << logN) - 1);
        StarkParameters parameters = StarkParameters.ForSecurity(securityBits);
        WarmUp(parameters, cancellationToken);

        double native = NativeMilliseconds(statement.Compute, cancellationToken);

        byte[] proof = [];
        var proveTimes = new double[repetitions];
        var proveCpuTimes = new double[repetitions];
        using var process = Process.GetCurrentProcess();
        for (int i = 0; i < repetitions; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            process.Refresh();
            TimeSpan cpuStart = process.TotalProcessorTime;
            long start = Stopwatch.GetTimestamp();
            proof = StarkProver.Prove(statement.Air, parameters).Encode();
            proveTimes[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            process.Refresh();
            proveCpuTimes[i] = (process.TotalProcessorTime - cpuStart).TotalMilliseconds;
        }

        Repeat(() => StarkVerifier.Verify(statement.Air, proof, securityBits), RepeatWarmUpMilliseconds, cancellationToken);
        var verifyTimes = new List<double>();
        long verifyStart = Stopwatch.GetTimestamp();
        while (verifyTimes.Count < MaxVerifyRuns
            && (verifyTimes.Count < MinVerifyRuns || Stopwatch.GetElapsedTime(verifyStart).TotalMilliseconds < VerifyMilliseconds))
        {
            cancellationToken.ThrowIfCancellationRequested();
            long start = Stopwatch.GetTimestamp();
            StarkVerifier.Verify(statement.Air, proof, securityBits);
            verifyTimes.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        double prove = Median(proveTimes);
        double verify = Median([.. verifyTimes]);
        return new StarkBenchmarkResult
        {
            Air = air,
            LogN = logN,
            Steps = statement.Steps,
            ProveMs = prove,
            ProveCpuMs = Median(proveCpuTimes),
            VerifyMs = verify,
            ProofBytes = proof.Length,
            SecurityBits = parameters.ConjecturedSecurityBits(statement.Air.TraceLength),
            NativeMs = native,
            ProverOverhead = prove / native,
            VerifyVsNative = verify / native,
            Queries = parameters.Queries,
            Blowup = parameters.Blowup,
            FoldingFactor = parameters.FoldingFactor,
            GrindingBits = parameters.GrindingBits,
            TraceRows = statement.Air.TraceLength,
            TraceWidth = statement.Air.TraceWidth,
            Repetitions = repetitions,
            VerifyRuns = verifyTimes.Count,
            Cores = Environment.ProcessorCount,
        };
    }

    /// <summary>The statement of <paramref name="steps"/> steps of <paramref name="air"/> from the fixed inputs, with its native computation.</summary>
    private static Statement Create(string air, int steps)
    {
        StarkComputation computation = air switch
        {
            PermutationChain => StarkComputation.PermutationChain,
            MatrixRecurrence => StarkComputation.MatrixRecurrence,
            _ => throw new ArgumentException($"unknown AIR '{air}': expected one of {string.Join(", ", AirNames)}", nameof(air)),
        };
        Goldilocks[] inputs = Elements("inputs", StarkComputations.InputElements(computation));
        Goldilocks[] outputs = StarkComputations.Compute(computation, inputs, steps);
        return new Statement(StarkComputations.CreateAir(computation, inputs, steps, outputs), steps, () => StarkComputations.Compute(computation, inputs, steps));
    }

    // Field elements from BLAKE3 of a fixed label and a counter: nobody chose them, and every run gets the same ones.
    private static Goldilocks[] Elements(string label, int count)
    {
        var elements = new Goldilocks[count];
        byte[] input = Encoding.ASCII.GetBytes($"pocc/bench/stark/{label}/0000");
        for (int i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(input.AsSpan(input.Length - 4), i);
            elements[i] = Goldilocks.FromUInt64(BinaryPrimitives.ReadUInt64LittleEndian(Blake3Hash.Of(input).ToArray()));
        }
        return elements;
    }

    // Small proofs of every AIR until the prover's loops have been promoted by tiered JIT, once per process.
    private static void WarmUp(StarkParameters parameters, CancellationToken cancellationToken)
    {
        if (_warmedUp)
        {
            return;
        }
        var statements = AirNames.Select(name => Create(name, (1 << WarmUpLogN) - 1).Air).ToList();
        long start = Stopwatch.GetTimestamp();
        do
        {
            foreach (IAir statement in statements)
            {
                cancellationToken.ThrowIfCancellationRequested();
                StarkVerifier.Verify(statement, StarkProver.Prove(statement, parameters).Encode());
            }
        }
        while (Stopwatch.GetElapsedTime(start).TotalMilliseconds < WarmUpMilliseconds);
        _warmedUp = true;
    }

    // Median milliseconds of one native computation: each sample repeats it until it takes NativeSampleMilliseconds.
    private static double NativeMilliseconds(Action compute, CancellationToken cancellationToken)
    {
        Repeat(compute, RepeatWarmUpMilliseconds, cancellationToken);
        long calibrate = Stopwatch.GetTimestamp();
        compute();
        double once = Math.Max(Stopwatch.GetElapsedTime(calibrate).TotalMilliseconds, 1e-4);
        int perSample = (int)Math.Clamp(Math.Ceiling(NativeSampleMilliseconds / once), 1, 1_000_000);
        var samples = new double[NativeSamples];
        for (int s = 0; s < samples.Length; s++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < perSample; i++)
            {
                compute();
            }
            samples[s] = Stopwatch.GetElapsedTime(start).TotalMilliseconds / perSample;
        }
        return Median(samples);
    }

    // Untimed runs for at least this long (and at least twice): tiered JIT promotes a method only after enough calls
    // and a quiet spell, so the first calls of code new to the process run slower than the rest.
    private static void Repeat(Action action, double milliseconds, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        int runs = 0;
        while (runs < 2 || Stopwatch.GetElapsedTime(start).TotalMilliseconds < milliseconds)
        {
            cancellationToken.ThrowIfCancellationRequested();
            action();
            runs++;
        }
    }

    private static double Median(double[] values)
    {
        Array.Sort(values);
        int n = values.Length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    private sealed record Statement(IAir Air, int Steps, Action Compute);
}
