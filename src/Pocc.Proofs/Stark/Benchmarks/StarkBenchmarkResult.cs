using System.Text.Json.Serialization;

namespace Pocc.Proofs.Stark.Benchmarks;

/// <summary>One <see cref="StarkBenchmark"/> row: the cost of proving and verifying one statement against computing it natively.</summary>
public sealed record StarkBenchmarkResult
{
    /// <summary>"permutation-chain" or "matrix-recurrence".</summary>
    [JsonPropertyName("air")] public required string Air { get; init; }

    /// <summary>log2 of the trace length.</summary>
    [JsonPropertyName("log_n")] public int LogN { get; init; }

    /// <summary>Steps of the computation, 2^log_n − 1.</summary>
    [JsonPropertyName("steps")] public int Steps { get; init; }

    /// <summary>Median milliseconds of <c>StarkProver.Prove</c>, trace generation included.</summary>
    [JsonPropertyName("prove_ms")] public double ProveMs { get; init; }

    /// <summary>
    /// Median process CPU milliseconds (every thread) spent while proving: the work done, which other load on a shared
    /// machine disturbs less than the wall-clock prove_ms. prove_cpu_ms / prove_ms is the cores the prover kept busy.
    /// </summary>
    [JsonPropertyName("prove_cpu_ms")] public double ProveCpuMs { get; init; }

    /// <summary>Median milliseconds of <c>StarkVerifier.Verify</c> on the encoded proof, decoding included.</summary>
    [JsonPropertyName("verify_ms")] public double VerifyMs { get; init; }

    /// <summary>Length of the encoded proof.</summary>
    [JsonPropertyName("proof_bytes")] public int ProofBytes { get; init; }

    /// <summary>The conjectured security of the proof's parameters at this trace length.</summary>
    [JsonPropertyName("security_bits")] public int SecurityBits { get; init; }

    /// <summary>Median milliseconds of the AIR's native computation of the same steps, without a trace.</summary>
    [JsonPropertyName("native_ms")] public double NativeMs { get; init; }

    /// <summary>prove_ms / native_ms.</summary>
    [JsonPropertyName("prover_overhead")] public double ProverOverhead { get; init; }

    /// <summary>verify_ms / native_ms: below 1 when checking the proof is cheaper than redoing the work.</summary>
    [JsonPropertyName("verify_vs_native")] public double VerifyVsNative { get; init; }

    [JsonPropertyName("queries")] public int Queries { get; init; }

    [JsonPropertyName("blowup")] public int Blowup { get; init; }

    [JsonPropertyName("folding_factor")] public int FoldingFactor { get; init; }

    [JsonPropertyName("grinding_bits")] public int GrindingBits { get; init; }

    [JsonPropertyName("trace_rows")] public int TraceRows { get; init; }

    [JsonPropertyName("trace_width")] public int TraceWidth { get; init; }

    /// <summary>Timed proofs; prove_ms is their median.</summary>
    [JsonPropertyName("repetitions")] public int Repetitions { get; init; }

    /// <summary>Timed verifications; verify_ms is their median.</summary>
    [JsonPropertyName("verify_runs")] public int VerifyRuns { get; init; }

    [JsonPropertyName("cores")] public int Cores { get; init; }
}
