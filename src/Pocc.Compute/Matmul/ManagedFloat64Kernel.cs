using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Pocc.Core.Matrices;

namespace Pocc.Compute.Matmul;

/// <summary>
/// Float64 C = A·B in managed code, for machines without OpenBLAS: GotoBLAS-style blocking (a K-slice of B packed
/// into column panels that stay in L1, a block of A rows packed into L2), an FMA register-tile micro-kernel
/// (8×16 with AVX-512, 6×8 with AVX2+FMA, 4×4 scalar elsewhere) and row blocks spread over the cores.
/// </summary>
/// <remarks>
/// Results match OpenBLAS to rounding, not bit for bit: the summation order differs. Float64 task results are
/// checked with a tolerance for exactly this reason.
/// </remarks>
public sealed unsafe class ManagedFloat64Kernel : IMatmulKernel
{
    // K-slice depth: a 16-column B panel of 256 rows is 32 KiB, an 8-row A tile 16 KiB.
    private const int KC = 256;
    private const int MCMax = 128;

    private readonly int _threads;
    private readonly Isa _isa;

    private enum Isa { Scalar, Avx2, Avx512 }

    /// <param name="maxDegreeOfParallelism">Worker threads; 0 means one per core.</param>
    public ManagedFloat64Kernel(int maxDegreeOfParallelism = 0)
        : this(maxDegreeOfParallelism, DetectIsa())
    {
    }

    private ManagedFloat64Kernel(int maxDegreeOfParallelism, Isa isa)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxDegreeOfParallelism);
        _threads = maxDegreeOfParallelism == 0 ? Environment.ProcessorCount : maxDegreeOfParallelism;
        _isa = isa;
    }

    /// <summary>The same kernel restricted to plain scalar code, for tests of the fallback path.</summary>
    internal static ManagedFloat64Kernel CreateScalar(int maxDegreeOfParallelism = 0) => new(maxDegreeOfParallelism, Isa.Scalar);

    /// <summary>A kernel limited to AVX2 even when AVX-512 is present, for tests; null when AVX2+FMA is missing.</summary>
    internal static ManagedFloat64Kernel? CreateAvx2(int maxDegreeOfParallelism = 0) =>
        Vector256.IsHardwareAccelerated && Fma.IsSupported ? new(maxDegreeOfParallelism, Isa.Avx2) : null;

    public string Name => _isa switch
    {
        Isa.Avx512 => "managed-avx512",
        Isa.Avx2 => "managed-avx2",
        _ => "managed-scalar",
    };

    public MatrixElementType ElementType => MatrixElementType.Float64;

    /// <summary>Worker threads used.</summary>
    public int Threads => _threads;

    private int MR => _isa switch { Isa.Avx512 => 8, Isa.Avx2 => 6, _ => 4 };

    private int NR => _isa switch { Isa.Avx512 => 16, Isa.Avx2 => 8, _ => 4 };

    public Matrix Multiply(Matrix a, Matrix b, CancellationToken cancellationToken = default)
    {
        var shape = MatmulShape.Of(a, b, MatrixElementType.Float64);
        var c = new double[shape.M * shape.N];
        Accumulate(shape, a.Float64, b.Float64, c, cancellationToken);
        return Matrix.FromFloat64(shape.M, shape.N, c);
    }

    /// <summary>C = A·B on row-major buffers; C is overwritten.</summary>
    public void Multiply(MatmulShape shape, ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, CancellationToken cancellationToken = default)
    {
        shape.CheckBuffers(a.Length, b.Length, c.Length);
        c.Clear();
        Accumulate(shape, a, b, c, cancellationToken);
    }

    private void Accumulate(MatmulShape shape, ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, CancellationToken cancellationToken)
    {
        int m = shape.M, k = shape.K, n = shape.N;
        int mr = MR, nr = NR;
        int panels = (n + nr - 1) / nr;
        // Row blocks: a multiple of the thread count so the cores finish together, each a multiple of MR rows.
        int blocks = Math.Max(1, (m + MCMax - 1) / MCMax);
        blocks = Math.Min((m + mr - 1) / mr, (blocks + _threads - 1) / _threads * _threads);
        int mc = ((m + blocks - 1) / blocks + mr - 1) / mr * mr;
        blocks = (m + mc - 1) / mc;
        var options = new ParallelOptions { MaxDegreeOfParallelism = _threads, CancellationToken = cancellationToken };

        double* bPack = (double*)NativeMemory.AlignedAlloc((nuint)((long)Math.Min(KC, k) * panels * nr * sizeof(double)), 64);
        try
        {
            fixed (double* pa = a)
            fixed (double* pb = b)
            fixed (double* pc = c)
            {
                nint aAddr = (nint)pa, bAddr = (nint)pb, cAddr = (nint)pc, packAddr = (nint)bPack;
                for (int p0 = 0; p0 < k; p0 += KC)
                {
                    int kc = Math.Min(KC, k - p0);
                    int sliceStart = p0;
                    Parallel.For(0, panels, options, panel =>
                        PackB((double*)bAddr, n, sliceStart, kc, panel * nr, nr, (double*)packAddr + (long)panel * kc * nr));
                    Parallel.For(0, blocks, options, block =>
                    {
                        int i0 = block * mc;
                        int rows = Math.Min(mc, m - i0);
                        int tiles = (rows + mr - 1) / mr;
                        double* aPack = (double*)NativeMemory.AlignedAlloc((nuint)((long)tiles * mr * kc * sizeof(double)), 64);
                        try
                        {
                            for (int t = 0; t < tiles; t++)
                            {
                                PackA((double*)aAddr, m, k, i0 + t * mr, sliceStart, kc, mr, aPack + (long)t * mr * kc);
                            }
                            for (int panel = 0; panel < panels; panel++)
                            {
                                int j0 = panel * nr;
                                int cols = Math.Min(nr, n - j0);
                                double* bp = (double*)packAddr + (long)panel * kc * nr;
                                for (int t = 0; t < tiles; t++)
                                {
                                    int r0 = i0 + t * mr;
                                    RunTile(kc, aPack + (long)t * mr * kc, bp, (double*)cAddr + (long)r0 * n + j0, n, Math.Min(mr, m - r0), cols);
                                }
                            }
                        }
                        finally
                        {
                            NativeMemory.AlignedFree(aPack);
                        }
                    });
                }
            }
        }
        finally
        {
            NativeMemory.AlignedFree(bPack);
        }
    }

    private static Isa DetectIsa()
    {
        if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported)
        {
            return Isa.Avx512;
        }
        return Vector256.IsHardwareAccelerated && Fma.IsSupported ? Isa.Avx2 : Isa.Scalar;
    }

    // B rows [p0, p0+kc), columns [j0, j0+nr) → kc consecutive groups of nr, zero-padded past the last column.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB(double* b, int n, int p0, int kc, int j0, int nr, double* dst)
    {
        int cols = Math.Min(nr, n - j0);
        for (int p = 0; p < kc; p++)
        {
            double* src = b + (long)(p0 + p) * n + j0;
            int j = 0;
            for (; j < cols; j++)
            {
                dst[j] = src[j];
            }
            for (; j < nr; j++)
            {
                dst[j] = 0;
            }
            dst += nr;
        }
    }

    // A rows [i0, i0+mr), columns [p0, p0+kc) → kc consecutive groups of mr (one column of the tile each), zero-padded.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA(double* a, int m, int k, int i0, int p0, int kc, int mr, double* dst)
    {
        int rows = Math.Min(mr, m - i0);
        for (int r = 0; r < mr; r++)
        {
            if (r < rows)
            {
                double* src = a + (long)(i0 + r) * k + p0;
                for (int p = 0; p < kc; p++)
                {
                    dst[p * mr + r] = src[p];
                }
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    dst[p * mr + r] = 0;
                }
            }
        }
    }

    private void RunTile(int kc, double* ap, double* bp, double* c, int ldc, int rows, int cols)
    {
        int mr = MR, nr = NR;
        if (rows == mr && cols == nr)
        {
            RunKernel(kc, ap, bp, c, ldc);
            return;
        }
        // Edge tile: compute the full padded tile into a scratch buffer, then add the part that exists.
        double* scratch = stackalloc double[8 * 16];
        new Span<double>(scratch, mr * nr).Clear();
        RunKernel(kc, ap, bp, scratch, nr);
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < cols; j++)
            {
                c[(long)r * ldc + j] += scratch[r * nr + j];
            }
        }
    }

    private void RunKernel(int kc, double* ap, double* bp, double* c, int ldc)
    {
        switch (_isa)
        {
            case Isa.Avx512:
                Kernel8x16(kc, ap, bp, c, ldc);
                break;
            case Isa.Avx2:
                Kernel6x8(kc, ap, bp, c, ldc);
                break;
            default:
                Kernel4x4(kc, ap, bp, c, ldc);
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel8x16(int kc, double* ap, double* bp, double* c, int ldc)
    {
        Vector512<double> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<double> c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector512<double> b0 = Vector512.Load(bp);
            Vector512<double> b1 = Vector512.Load(bp + 8);
            Vector512<double> a = Vector512.Create(ap[0]);
            c00 = Vector512.FusedMultiplyAdd(a, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(a, b1, c01);
            a = Vector512.Create(ap[1]);
            c10 = Vector512.FusedMultiplyAdd(a, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(a, b1, c11);
            a = Vector512.Create(ap[2]);
            c20 = Vector512.FusedMultiplyAdd(a, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(a, b1, c21);
            a = Vector512.Create(ap[3]);
            c30 = Vector512.FusedMultiplyAdd(a, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(a, b1, c31);
            a = Vector512.Create(ap[4]);
            c40 = Vector512.FusedMultiplyAdd(a, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(a, b1, c41);
            a = Vector512.Create(ap[5]);
            c50 = Vector512.FusedMultiplyAdd(a, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(a, b1, c51);
            a = Vector512.Create(ap[6]);
            c60 = Vector512.FusedMultiplyAdd(a, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(a, b1, c61);
            a = Vector512.Create(ap[7]);
            c70 = Vector512.FusedMultiplyAdd(a, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(a, b1, c71);
            ap += 8;
            bp += 16;
        }
        AddRow512(c, c00, c01);
        AddRow512(c + ldc, c10, c11);
        AddRow512(c + 2 * ldc, c20, c21);
        AddRow512(c + 3 * ldc, c30, c31);
        AddRow512(c + 4 * ldc, c40, c41);
        AddRow512(c + 5 * ldc, c50, c51);
        AddRow512(c + 6 * ldc, c60, c61);
        AddRow512(c + 7 * ldc, c70, c71);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddRow512(double* row, Vector512<double> left, Vector512<double> right)
    {
        Vector512.Store(Vector512.Load(row) + left, row);
        Vector512.Store(Vector512.Load(row + 8) + right, row + 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel6x8(int kc, double* ap, double* bp, double* c, int ldc)
    {
        Vector256<double> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<double> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector256<double> b0 = Vector256.Load(bp);
            Vector256<double> b1 = Vector256.Load(bp + 4);
            Vector256<double> a = Vector256.Create(ap[0]);
            c00 = Fma.MultiplyAdd(a, b0, c00);
            c01 = Fma.MultiplyAdd(a, b1, c01);
            a = Vector256.Create(ap[1]);
            c10 = Fma.MultiplyAdd(a, b0, c10);
            c11 = Fma.MultiplyAdd(a, b1, c11);
            a = Vector256.Create(ap[2]);
            c20 = Fma.MultiplyAdd(a, b0, c20);
            c21 = Fma.MultiplyAdd(a, b1, c21);
            a = Vector256.Create(ap[3]);
            c30 = Fma.MultiplyAdd(a, b0, c30);
            c31 = Fma.MultiplyAdd(a, b1, c31);
            a = Vector256.Create(ap[4]);
            c40 = Fma.MultiplyAdd(a, b0, c40);
            c41 = Fma.MultiplyAdd(a, b1, c41);
            a = Vector256.Create(ap[5]);
            c50 = Fma.MultiplyAdd(a, b0, c50);
            c51 = Fma.MultiplyAdd(a, b1, c51);
            ap += 6;
            bp += 8;
        }
        AddRow256(c, c00, c01);
        AddRow256(c + ldc, c10, c11);
        AddRow256(c + 2 * ldc, c20, c21);
        AddRow256(c + 3 * ldc, c30, c31);
        AddRow256(c + 4 * ldc, c40, c41);
        AddRow256(c + 5 * ldc, c50, c51);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddRow256(double* row, Vector256<double> left, Vector256<double> right)
    {
        Vector256.Store(Vector256.Load(row) + left, row);
        Vector256.Store(Vector256.Load(row + 4) + right, row + 4);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel4x4(int kc, double* ap, double* bp, double* c, int ldc)
    {
        double c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        double c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        for (int p = 0; p < kc; p++)
        {
            double b0 = bp[0], b1 = bp[1], b2 = bp[2], b3 = bp[3];
            double a = ap[0];
            c00 += a * b0; c01 += a * b1; c02 += a * b2; c03 += a * b3;
            a = ap[1];
            c10 += a * b0; c11 += a * b1; c12 += a * b2; c13 += a * b3;
            a = ap[2];
            c20 += a * b0; c21 += a * b1; c22 += a * b2; c23 += a * b3;
            a = ap[3];
            c30 += a * b0; c31 += a * b1; c32 += a * b2; c33 += a * b3;
            ap += 4;
            bp += 4;
        }
        c[0] += c00; c[1] += c01; c[2] += c02; c[3] += c03;
        c += ldc;
        c[0] += c10; c[1] += c11; c[2] += c12; c[3] += c13;
        c += ldc;
        c[0] += c20; c[1] += c21; c[2] += c22; c[3] += c23;
        c += ldc;
        c[0] += c30; c[1] += c31; c[2] += c32; c[3] += c33;
    }
}
