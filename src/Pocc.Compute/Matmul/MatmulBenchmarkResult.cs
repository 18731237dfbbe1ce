using System.Text.Json.Serialization;

namespace Pocc.Compute.Matmul;

/// <summary>One <see cref="MatmulBenchmark"/> run: rates of n×n·n×n products and the cost of checking and hashing the result.</summary>
public sealed record MatmulBenchmarkResult
{
    [JsonPropertyName("n")] public int N { get; init; }

    /// <summary>"f64" or "mod61".</summary>
    [JsonPropertyName("dtype")] public required string Dtype { get; init; }

    /// <summary>The executor's kernel for this dtype, e.g. "openblas", "managed-avx512", "mod61-avx512".</summary>
    [JsonPropertyName("kernel")] public required string Kernel { get; init; }

    /// <summary>The executor's description (which kernels and why).</summary>
    [JsonPropertyName("executor")] public required string Executor { get; init; }

    /// <summary>2·n³ / median seconds of the executor.</summary>
    [JsonPropertyName("executor_gflops")] public double ExecutorGflops { get; init; }

    /// <summary>Multiply-adds per second of the executor, n³ / seconds (the natural unit for mod61).</summary>
    [JsonPropertyName("multiply_adds_per_second")] public double MultiplyAddsPerSecond { get; init; }

    /// <summary>OpenBLAS dgemm called directly on f64 matrices of the same n in the same run; null without OpenBLAS.</summary>
    [JsonPropertyName("openblas_gflops")] public double? OpenBlasGflops { get; init; }

    /// <summary>executor_gflops / openblas_gflops (for mod61: the exact kernel against f64 dgemm); null without OpenBLAS.</summary>
    [JsonPropertyName("ratio_to_openblas")] public double? RatioToOpenBlas { get; init; }

    /// <summary>f64 only: the managed fallback kernel's rate in the same run.</summary>
    [JsonPropertyName("managed_gflops")] public double? ManagedGflops { get; init; }

    /// <summary>Median milliseconds of one executor product.</summary>
    [JsonPropertyName("compute_ms")] public double ComputeMs { get; init; }

    /// <summary>Freivalds rounds in the verification timing (uniform F_p vectors for mod61, ±1 for f64).</summary>
    [JsonPropertyName("verify_rounds")] public int VerifyRounds { get; init; }

    /// <summary>Median milliseconds of the Freivalds check of the product.</summary>
    [JsonPropertyName("verify_ms")] public double VerifyMs { get; init; }

    /// <summary>verify_ms / compute_ms.</summary>
    [JsonPropertyName("verify_to_compute")] public double VerifyToCompute { get; init; }

    /// <summary>Whether the check accepted the executor's product (it must).</summary>
    [JsonPropertyName("verify_accepted")] public bool VerifyAccepted { get; init; }

    /// <summary>−log2 of the check's soundness error (61·k for mod61, k for f64).</summary>
    [JsonPropertyName("soundness_bits")] public double SoundnessBits { get; init; }

    /// <summary>Bytes of the encoded result hashed with BLAKE3.</summary>
    [JsonPropertyName("bytes_hashed")] public long BytesHashed { get; init; }

    /// <summary>Median milliseconds of BLAKE3 over the encoded result.</summary>
    [JsonPropertyName("hash_ms")] public double HashMs { get; init; }

    /// <summary>Timed repetitions after a warm-up (≥ 1 run and ≥ 500 ms); every time above is their median.</summary>
    [JsonPropertyName("repetitions")] public int Repetitions { get; init; }

    [JsonPropertyName("cores")] public int Cores { get; init; }
}
