using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Pocc.Core.Matrices;
using Pocc.Core.Numerics;

namespace Pocc.Compute.Matmul;

/// <summary>
/// Exact C = A·B over F_p, p = 2^61 − 1. The result is the same on every machine and every path (it is the unique
/// reduced residue), so two honest workers always agree bit for bit.
/// </summary>
/// <remarks>
/// <para>
/// x86 has no 64×64→128-bit vector multiply, but it has a 32×32→64-bit one (<c>vpmuludq</c>). Each element of A is
/// split into limbs of 32 and 29 bits and each element of B into limbs of 21, 21 and 19 bits when the operands are
/// packed, so every limb product is below 2^53 and a 64-bit lane can add up 2^11 of them without overflow. The
/// kernel therefore does 6 vector multiplies and 6 adds per lane per multiply-add and reduces only once per K-slice:
/// it folds each accumulator modulo p, multiplies it by its limb weight 2^(32s+21t) — a 61-bit rotation, since
/// 2^61 ≡ 1 — and adds the six into C.
/// </para>
/// <para>
/// Blocking follows GotoBLAS: a K-slice of B is packed into column panels of one vector width, row blocks of A are
/// packed per worker, and row blocks are spread over the cores. Register tiles are 4 rows × 8 lanes with AVX-512
/// (24 accumulators) and 2 rows × 4 lanes with AVX2; elsewhere a scalar path accumulates 128-bit products.
/// </para>
/// </remarks>
public sealed unsafe class Mod61Kernel : IMatmulKernel
{
    // Limb products are below 2^53, so up to 2048 fit in a u64 accumulator; 256 keeps a 24-word-per-row B panel
    // (48 KiB) in L1/L2 and an A tile (8 KiB) in L1.
    private const int KC = 256;
    private const int MCMax = 64;
    private const int ScalarLazyTerms = 32;
    private const ulong Low32 = 0xFFFF_FFFF;
    private const ulong Low21 = (1UL << 21) - 1;

    private readonly int _threads;
    private readonly Isa _isa;

    private enum Isa { Scalar, Avx2, Avx512 }

    /// <param name="maxDegreeOfParallelism">Worker threads; 0 means one per core.</param>
    public Mod61Kernel(int maxDegreeOfParallelism = 0)
        : this(maxDegreeOfParallelism, DetectIsa())
    {
    }

    private Mod61Kernel(int maxDegreeOfParallelism, Isa isa)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxDegreeOfParallelism);
        _threads = maxDegreeOfParallelism == 0 ? Environment.ProcessorCount : maxDegreeOfParallelism;
        _isa = isa;
    }

    /// <summary>The scalar path regardless of hardware, for tests.</summary>
    internal static Mod61Kernel CreateScalar(int maxDegreeOfParallelism = 0) => new(maxDegreeOfParallelism, Isa.Scalar);

    /// <summary>The AVX2 path even when AVX-512 is present, for tests; null without AVX2.</summary>
    internal static Mod61Kernel? CreateAvx2(int maxDegreeOfParallelism = 0) =>
        Avx2.IsSupported && Vector256.IsHardwareAccelerated ? new(maxDegreeOfParallelism, Isa.Avx2) : null;

    public string Name => _isa switch
    {
        Isa.Avx512 => "mod61-avx512",
        Isa.Avx2 => "mod61-avx2",
        _ => "mod61-scalar",
    };

    public MatrixElementType ElementType => MatrixElementType.Mod61;

    /// <summary>Worker threads used.</summary>
    public int Threads => _threads;

    private int MR => _isa == Isa.Avx512 ? 4 : 2;

    private int Lanes => _isa == Isa.Avx512 ? 8 : 4;

    public Matrix Multiply(Matrix a, Matrix b, CancellationToken cancellationToken = default)
    {
        var shape = MatmulShape.Of(a, b, MatrixElementType.Mod61);
        var c = new ulong[shape.M * shape.N];
        Accumulate(shape, a.Mod61, b.Mod61, c, cancellationToken);
        return Matrix.FromMod61(shape.M, shape.N, c);
    }

    /// <summary>C = A·B mod p on row-major buffers of reduced elements; C is overwritten.</summary>
    public void Multiply(MatmulShape shape, ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> c, CancellationToken cancellationToken = default)
    {
        shape.CheckBuffers(a.Length, b.Length, c.Length);
        c.Clear();
        Accumulate(shape, a, b, c, cancellationToken);
    }

    private static Isa DetectIsa()
    {
        if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported)
        {
            return Isa.Avx512;
        }
        return Avx2.IsSupported && Vector256.IsHardwareAccelerated ? Isa.Avx2 : Isa.Scalar;
    }

    private void Accumulate(MatmulShape shape, ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> c, CancellationToken cancellationToken)
    {
        var options = new ParallelOptions { MaxDegreeOfParallelism = _threads, CancellationToken = cancellationToken };
        if (_isa == Isa.Scalar)
        {
            fixed (ulong* pa = a)
            fixed (ulong* pb = b)
            fixed (ulong* pc = c)
            {
                nint aAddr = (nint)pa, bAddr = (nint)pb, cAddr = (nint)pc;
                Parallel.For(0, shape.M, options, row => ScalarRow(shape, (ulong*)aAddr, (ulong*)bAddr, (ulong*)cAddr, row));
            }
            return;
        }

        int m = shape.M, k = shape.K, n = shape.N;
        int mr = MR, lanes = Lanes;
        int panels = (n + lanes - 1) / lanes;
        int blocks = Math.Max(1, (m + MCMax - 1) / MCMax);
        blocks = Math.Min((m + mr - 1) / mr, (blocks + _threads - 1) / _threads * _threads);
        int mc = ((m + blocks - 1) / blocks + mr - 1) / mr * mr;
        blocks = (m + mc - 1) / mc;
        int panelWords = 3 * lanes;

        ulong* bPack = (ulong*)NativeMemory.AlignedAlloc((nuint)((long)Math.Min(KC, k) * panels * panelWords * sizeof(ulong)), 64);
        try
        {
            fixed (ulong* pa = a)
            fixed (ulong* pb = b)
            fixed (ulong* pc = c)
            {
                nint aAddr = (nint)pa, bAddr = (nint)pb, cAddr = (nint)pc, packAddr = (nint)bPack;
                for (int p0 = 0; p0 < k; p0 += KC)
                {
                    int kc = Math.Min(KC, k - p0);
                    int sliceStart = p0;
                    Parallel.For(0, panels, options, panel =>
                        PackB((ulong*)bAddr, n, sliceStart, kc, panel * lanes, lanes, (ulong*)packAddr + (long)panel * kc * panelWords));
                    Parallel.For(0, blocks, options, block =>
                    {
                        int i0 = block * mc;
                        int rows = Math.Min(mc, m - i0);
                        int tiles = (rows + mr - 1) / mr;
                        ulong* aPack = (ulong*)NativeMemory.AlignedAlloc((nuint)((long)tiles * 2 * mr * kc * sizeof(ulong)), 64);
                        try
                        {
                            for (int t = 0; t < tiles; t++)
                            {
                                PackA((ulong*)aAddr, m, k, i0 + t * mr, sliceStart, kc, mr, aPack + (long)t * 2 * mr * kc);
                            }
                            for (int panel = 0; panel < panels; panel++)
                            {
                                int j0 = panel * lanes;
                                int cols = Math.Min(lanes, n - j0);
                                ulong* bp = (ulong*)packAddr + (long)panel * kc * panelWords;
                                for (int t = 0; t < tiles; t++)
                                {
                                    int r0 = i0 + t * mr;
                                    RunTile(kc, aPack + (long)t * 2 * mr * kc, bp, (ulong*)cAddr + (long)r0 * n + j0, n, Math.Min(mr, m - r0), cols);
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

    // One row of C with 128-bit lazy accumulation: C[row, j] = Σ_p A[row, p]·B[p, j], folded every 32 terms.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScalarRow(MatmulShape shape, ulong* a, ulong* b, ulong* c, int row)
    {
        int k = shape.K, n = shape.N;
        var acc = new UInt128[n];
        ulong* cRow = c + (long)row * n;
        for (int p0 = 0; p0 < k; p0 += ScalarLazyTerms)
        {
            int end = Math.Min(k, p0 + ScalarLazyTerms);
            for (int p = p0; p < end; p++)
            {
                ulong x = a[(long)row * k + p];
                ulong* bRow = b + (long)p * n;
                for (int j = 0; j < n; j++)
                {
                    acc[j] += Math.BigMul(x, bRow[j]);
                }
            }
            for (int j = 0; j < n; j++)
            {
                cRow[j] = Mod61.Add(cRow[j], Mod61.Reduce(acc[j]));
                acc[j] = 0;
            }
        }
    }

    // B rows [p0, p0+kc), columns [j0, j0+lanes) → per row: the 21-bit low limbs, the middle limbs, the 19-bit high
    // limbs, each a vector of lanes words; zero past the last column.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB(ulong* b, int n, int p0, int kc, int j0, int lanes, ulong* dst)
    {
        int cols = Math.Min(lanes, n - j0);
        for (int p = 0; p < kc; p++)
        {
            ulong* src = b + (long)(p0 + p) * n + j0;
            for (int j = 0; j < lanes; j++)
            {
                ulong v = j < cols ? src[j] : 0;
                dst[j] = v & Low21;
                dst[lanes + j] = (v >> 21) & Low21;
                dst[2 * lanes + j] = v >> 42;
            }
            dst += 3 * lanes;
        }
    }

    // A rows [i0, i0+mr), columns [p0, p0+kc) → per column: (low 32 bits, high 29 bits) of each row; zero past the last row.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA(ulong* a, int m, int k, int i0, int p0, int kc, int mr, ulong* dst)
    {
        int rows = Math.Min(mr, m - i0);
        for (int r = 0; r < mr; r++)
        {
            ulong* src = a + (long)(i0 + r) * k + p0;
            for (int p = 0; p < kc; p++)
            {
                ulong v = r < rows ? src[p] : 0;
                dst[p * 2 * mr + 2 * r] = v & Low32;
                dst[p * 2 * mr + 2 * r + 1] = v >> 32;
            }
        }
    }

    private void RunTile(int kc, ulong* ap, ulong* bp, ulong* c, int ldc, int rows, int cols)
    {
        int mr = MR, lanes = Lanes;
        if (rows == mr && cols == lanes)
        {
            RunKernel(kc, ap, bp, c, ldc);
            return;
        }
        // Edge tile: fold into a scratch copy of the existing values, then write back the part that exists.
        ulong* scratch = stackalloc ulong[4 * 8];
        new Span<ulong>(scratch, mr * lanes).Clear();
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < cols; j++)
            {
                scratch[r * lanes + j] = c[(long)r * ldc + j];
            }
        }
        RunKernel(kc, ap, bp, scratch, lanes);
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < cols; j++)
            {
                c[(long)r * ldc + j] = scratch[r * lanes + j];
            }
        }
    }

    private void RunKernel(int kc, ulong* ap, ulong* bp, ulong* c, int ldc)
    {
        if (_isa == Isa.Avx512)
        {
            Kernel4x8(kc, ap, bp, c, ldc);
        }
        else
        {
            Kernel2x4(kc, ap, bp, c, ldc);
        }
    }

    // Generated register-tile kernels: accumulator c{row}{a limb}{b limb} holds Σ a_limb·b_limb for one row and one lane
    // group, weighted on folding by 2^(32·a limb + 21·b limb) (74 ≡ 13 mod 61).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel4x8(int kc, ulong* ap, ulong* bp, ulong* c, int ldc)
    {
        Vector512<ulong> c000 = default, c001 = default, c002 = default, c010 = default, c011 = default, c012 = default;
        Vector512<ulong> c100 = default, c101 = default, c102 = default, c110 = default, c111 = default, c112 = default;
        Vector512<ulong> c200 = default, c201 = default, c202 = default, c210 = default, c211 = default, c212 = default;
        Vector512<ulong> c300 = default, c301 = default, c302 = default, c310 = default, c311 = default, c312 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector512<uint> b0 = Vector512.Load(bp + 0).AsUInt32();
            Vector512<uint> b1 = Vector512.Load(bp + 8).AsUInt32();
            Vector512<uint> b2 = Vector512.Load(bp + 16).AsUInt32();
            Vector512<uint> a00 = Vector512.Create(ap[0]).AsUInt32();
            c000 += Avx512F.Multiply(a00, b0);
            c001 += Avx512F.Multiply(a00, b1);
            c002 += Avx512F.Multiply(a00, b2);
            Vector512<uint> a01 = Vector512.Create(ap[1]).AsUInt32();
            c010 += Avx512F.Multiply(a01, b0);
            c011 += Avx512F.Multiply(a01, b1);
            c012 += Avx512F.Multiply(a01, b2);
            Vector512<uint> a10 = Vector512.Create(ap[2]).AsUInt32();
            c100 += Avx512F.Multiply(a10, b0);
            c101 += Avx512F.Multiply(a10, b1);
            c102 += Avx512F.Multiply(a10, b2);
            Vector512<uint> a11 = Vector512.Create(ap[3]).AsUInt32();
            c110 += Avx512F.Multiply(a11, b0);
            c111 += Avx512F.Multiply(a11, b1);
            c112 += Avx512F.Multiply(a11, b2);
            Vector512<uint> a20 = Vector512.Create(ap[4]).AsUInt32();
            c200 += Avx512F.Multiply(a20, b0);
            c201 += Avx512F.Multiply(a20, b1);
            c202 += Avx512F.Multiply(a20, b2);
            Vector512<uint> a21 = Vector512.Create(ap[5]).AsUInt32();
            c210 += Avx512F.Multiply(a21, b0);
            c211 += Avx512F.Multiply(a21, b1);
            c212 += Avx512F.Multiply(a21, b2);
            Vector512<uint> a30 = Vector512.Create(ap[6]).AsUInt32();
            c300 += Avx512F.Multiply(a30, b0);
            c301 += Avx512F.Multiply(a30, b1);
            c302 += Avx512F.Multiply(a30, b2);
            Vector512<uint> a31 = Vector512.Create(ap[7]).AsUInt32();
            c310 += Avx512F.Multiply(a31, b0);
            c311 += Avx512F.Multiply(a31, b1);
            c312 += Avx512F.Multiply(a31, b2);
            ap += 8;
            bp += 24;
        }
        StoreReduced(c + 0 * ldc, Rotate(Fold(c000), 0) + Rotate(Fold(c001), 21) + Rotate(Fold(c002), 42) + Rotate(Fold(c010), 32) + Rotate(Fold(c011), 53) + Rotate(Fold(c012), 13));
        StoreReduced(c + 1 * ldc, Rotate(Fold(c100), 0) + Rotate(Fold(c101), 21) + Rotate(Fold(c102), 42) + Rotate(Fold(c110), 32) + Rotate(Fold(c111), 53) + Rotate(Fold(c112), 13));
        StoreReduced(c + 2 * ldc, Rotate(Fold(c200), 0) + Rotate(Fold(c201), 21) + Rotate(Fold(c202), 42) + Rotate(Fold(c210), 32) + Rotate(Fold(c211), 53) + Rotate(Fold(c212), 13));
        StoreReduced(c + 3 * ldc, Rotate(Fold(c300), 0) + Rotate(Fold(c301), 21) + Rotate(Fold(c302), 42) + Rotate(Fold(c310), 32) + Rotate(Fold(c311), 53) + Rotate(Fold(c312), 13));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel2x4(int kc, ulong* ap, ulong* bp, ulong* c, int ldc)
    {
        Vector256<ulong> c000 = default, c001 = default, c002 = default, c010 = default, c011 = default, c012 = default;
        Vector256<ulong> c100 = default, c101 = default, c102 = default, c110 = default, c111 = default, c112 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector256<uint> b0 = Vector256.Load(bp + 0).AsUInt32();
            Vector256<uint> b1 = Vector256.Load(bp + 4).AsUInt32();
            Vector256<uint> b2 = Vector256.Load(bp + 8).AsUInt32();
            Vector256<uint> a00 = Vector256.Create(ap[0]).AsUInt32();
            c000 += Avx2.Multiply(a00, b0);
            c001 += Avx2.Multiply(a00, b1);
            c002 += Avx2.Multiply(a00, b2);
            Vector256<uint> a01 = Vector256.Create(ap[1]).AsUInt32();
            c010 += Avx2.Multiply(a01, b0);
            c011 += Avx2.Multiply(a01, b1);
            c012 += Avx2.Multiply(a01, b2);
            Vector256<uint> a10 = Vector256.Create(ap[2]).AsUInt32();
            c100 += Avx2.Multiply(a10, b0);
            c101 += Avx2.Multiply(a10, b1);
            c102 += Avx2.Multiply(a10, b2);
            Vector256<uint> a11 = Vector256.Create(ap[3]).AsUInt32();
            c110 += Avx2.Multiply(a11, b0);
            c111 += Avx2.Multiply(a11, b1);
            c112 += Avx2.Multiply(a11, b2);
            ap += 4;
            bp += 12;
        }
        StoreReduced(c + 0 * ldc, Rotate(Fold(c000), 0) + Rotate(Fold(c001), 21) + Rotate(Fold(c002), 42) + Rotate(Fold(c010), 32) + Rotate(Fold(c011), 53) + Rotate(Fold(c012), 13));
        StoreReduced(c + 1 * ldc, Rotate(Fold(c100), 0) + Rotate(Fold(c101), 21) + Rotate(Fold(c102), 42) + Rotate(Fold(c110), 32) + Rotate(Fold(c111), 53) + Rotate(Fold(c112), 13));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Fold(Vector512<ulong> x)
    {
        // Any u64 to [0, p]: two Mersenne folds (the second only matters above 2^61); p itself stands for 0.
        Vector512<ulong> p = Vector512.Create(Mod61.P);
        x = (x & p) + (x >> 61);
        return (x & p) + (x >> 61);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Rotate(Vector512<ulong> x, [ConstantExpected(Min = 0, Max = 60)] int bits)
    {
        // x·2^bits mod p for x ≤ p is a rotation of the 61-bit word.
        return ((x << bits) & Vector512.Create(Mod61.P)) | (x >> (61 - bits));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreReduced(ulong* row, Vector512<ulong> sum)
    {
        // sum ≤ 6p and the stored value < p, so the total stays below 7p < 2^64.
        Vector512<ulong> p = Vector512.Create(Mod61.P);
        Vector512<ulong> x = sum + Vector512.Load(row);
        x = (x & p) + (x >> 61);
        Vector512.Store(Vector512.Min(x, x - p), row);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Fold(Vector256<ulong> x)
    {
        // Any u64 to [0, p]: two Mersenne folds (the second only matters above 2^61); p itself stands for 0.
        Vector256<ulong> p = Vector256.Create(Mod61.P);
        x = (x & p) + (x >> 61);
        return (x & p) + (x >> 61);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Rotate(Vector256<ulong> x, [ConstantExpected(Min = 0, Max = 60)] int bits)
    {
        // x·2^bits mod p for x ≤ p is a rotation of the 61-bit word.
        return ((x << bits) & Vector256.Create(Mod61.P)) | (x >> (61 - bits));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreReduced(ulong* row, Vector256<ulong> sum)
    {
        // sum ≤ 6p and the stored value < p, so the total stays below 7p < 2^64.
        Vector256<ulong> p = Vector256.Create(Mod61.P);
        Vector256<ulong> x = sum + Vector256.Load(row);
        x = (x & p) + (x >> 61);
        Vector256.Store(Vector256.Min(x, x - p), row);
    }
}
