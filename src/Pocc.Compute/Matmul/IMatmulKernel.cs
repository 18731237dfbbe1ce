using Pocc.Core.Matrices;

namespace Pocc.Compute.Matmul;

/// <summary>Computes C = A·B for A m×k and B k×n of one element type.</summary>
public interface IMatmulKernel
{
    /// <summary>A short stable name for logs and benchmarks, e.g. "openblas", "managed-avx512", "mod61-avx512".</summary>
    string Name { get; }

    /// <summary>The element type this kernel multiplies.</summary>
    MatrixElementType ElementType { get; }

    /// <summary>
    /// A·B. Throws <see cref="ArgumentException"/> when the inner dimensions differ or an operand is not of
    /// <see cref="ElementType"/>; checks <paramref name="cancellationToken"/> between blocks where the kernel can.
    /// </summary>
    Matrix Multiply(Matrix a, Matrix b, CancellationToken cancellationToken = default);
}
