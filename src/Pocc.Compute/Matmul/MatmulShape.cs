using Pocc.Core.Matrices;

namespace Pocc.Compute.Matmul;

/// <summary>The dimensions of C = A·B: A is M×K, B is K×N, C is M×N.</summary>
public readonly record struct MatmulShape(int M, int K, int N)
{
    /// <summary>Multiply-add operations: M·K·N.</summary>
    public long MultiplyAdds => (long)M * K * N;

    /// <summary>Floating-point operations by the usual convention, 2·M·K·N.</summary>
    public double Flops => 2.0 * M * K * N;

    /// <summary>The shape of A·B, or an <see cref="ArgumentException"/> naming what does not fit.</summary>
    public static MatmulShape Of(Matrix a, Matrix b, MatrixElementType expected)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.ElementType != expected || b.ElementType != expected)
        {
            throw new ArgumentException($"this kernel multiplies {Matrix.ElementTypeName(expected)} matrices, got A {a.Shape} and B {b.Shape}");
        }
        if (a.Cols != b.Rows)
        {
            throw new ArgumentException($"cannot multiply A ({a.Rows}×{a.Cols}) by B ({b.Rows}×{b.Cols}): A has {a.Cols} columns but B has {b.Rows} rows");
        }
        return new MatmulShape(a.Rows, a.Cols, b.Cols);
    }

    /// <summary>Checks raw row-major buffers against this shape.</summary>
    public void CheckBuffers(int aLength, int bLength, int cLength)
    {
        if (M <= 0 || K <= 0 || N <= 0)
        {
            throw new ArgumentException($"matrix dimensions must be positive, got {M}×{K} times {K}×{N}");
        }
        if ((long)M * K != aLength || (long)K * N != bLength || (long)M * N != cLength)
        {
            throw new ArgumentException($"buffers of {aLength}, {bLength} and {cLength} elements do not hold a {M}×{K} A, a {K}×{N} B and a {M}×{N} C");
        }
    }

    public override string ToString() => $"{M}×{K} · {K}×{N}";
}
