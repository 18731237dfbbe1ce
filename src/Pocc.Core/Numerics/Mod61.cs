using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Pocc.Core.Numerics;

/// <summary>
/// Arithmetic in the prime field F_p with the Mersenne prime p = 2^61 − 1. Values are <c>ulong</c>s in [0, p);
/// every operation takes reduced inputs and returns a reduced output.
/// </summary>
/// <remarks>
/// Reduction uses 2^61 ≡ 1 (mod p): x = hi·2^61 + lo ≡ hi + lo, so folding a value costs a shift, a mask and an add.
/// A product of two reduced values is below 2^122, so a <see cref="UInt128"/> accumulator can absorb 64 of them before
/// it could overflow; the scalar <see cref="Dot"/> reduces once per 32 terms instead of once per term, and the vector
/// one splits operands into limbs whose products a 64-bit lane can add up thousands of times.
/// </remarks>
public static class Mod61
{
    /// <summary>The modulus p = 2^61 − 1.</summary>
    public const ulong P = (1UL << 61) - 1;

    /// <summary>log2(p), for stating soundness errors in bits (61 − 6.3e-19, so 61 to any useful precision).</summary>
    public const int Bits = 61;

    // Products added into one UInt128 before folding: 32 · (p−1)^2 < 2^127, half the headroom.
    private const int LazyTerms = 32;

    /// <summary>True when <paramref name="value"/> is a canonical field element (below p).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsReduced(ulong value) => value < P;

    /// <summary>Any 64-bit value modulo p.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Reduce(ulong value)
    {
        // (value & p) + (value >> 61) ≤ p + 7, then one conditional subtraction.
        return Final((value & P) + (value >> 61));
    }

    /// <summary>Any 128-bit value modulo p.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Reduce(UInt128 value)
    {
        ulong low = (ulong)value & P;
        UInt128 high = value >> 61;                               // < 2^67
        ulong highFolded = ((ulong)high & P) + (ulong)(high >> 61); // < 2^61 + 2^6
        return Reduce(low + highFolded);                          // < 2^62 + 2^6, no overflow
    }

    /// <summary>a + b mod p.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Add(ulong a, ulong b) => Final(a + b);

    /// <summary>a − b mod p.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Sub(ulong a, ulong b)
    {
        ulong d = a - b;
        // Borrow mask: all ones when a < b (the difference wrapped), so p is added back without a branch.
        return d + (P & (ulong)((long)d >> 63));
    }

    /// <summary>−a mod p.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Neg(ulong a) => Sub(0, a);

    /// <summary>a · b mod p via one 64×64→128-bit multiplication and a Mersenne fold.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mul(ulong a, ulong b)
    {
        ulong hi = Math.BigMul(a, b, out ulong lo);
        // The product is below 2^122, so (hi:lo) >> 61 = (hi << 3) | (lo >> 61) fits in 61 bits.
        return Final((lo & P) + ((hi << 3) | (lo >> 61)));
    }

    /// <summary>a · b + c mod p.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong MulAdd(ulong a, ulong b, ulong c)
    {
        ulong hi = Math.BigMul(a, b, out ulong lo);
        ulong folded = (lo & P) + ((hi << 3) | (lo >> 61)) + c; // < 3·2^61
        return Reduce(folded);
    }

    /// <summary>a^e mod p by square-and-multiply.</summary>
    public static ulong Pow(ulong a, ulong exponent)
    {
        ulong result = 1;
        ulong b = a;
        while (exponent != 0)
        {
            if ((exponent & 1) != 0)
            {
                result = Mul(result, b);
            }
            b = Mul(b, b);
            exponent >>= 1;
        }
        return result;
    }

    /// <summary>The multiplicative inverse a^(p−2); throws for zero, which has none.</summary>
    public static ulong Inverse(ulong a)
    {
        if (a == 0)
        {
            throw new DivideByZeroException("zero has no inverse modulo p");
        }
        return Pow(a, P - 2);
    }

    /// <summary>A signed integer mapped into the field (−1 ↦ p − 1).</summary>
    public static ulong FromInt64(long value) =>
        // −v = −(v + 1) − 1 keeps long.MinValue in range.
        value >= 0 ? Reduce((ulong)value) : Sub(Neg(Reduce((ulong)(-(value + 1)))), 1);

    /// <summary>Σ a[i]·b[i] mod p over two equally long spans of reduced values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ulong Dot(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"dot product of spans of different lengths ({a.Length} and {b.Length})", nameof(b));
        }
        ulong result = 0;
        int i = 0;
        if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported)
        {
            for (; i + Vector512<ulong>.Count <= a.Length; i += LimbChunk)
            {
                int count = Math.Min(LimbChunk, a.Length - i) / Vector512<ulong>.Count * Vector512<ulong>.Count;
                result = Add(result, LimbDot512(a.Slice(i, count), b.Slice(i, count)));
                if (count < LimbChunk)
                {
                    i += count;
                    break;
                }
            }
        }
        else if (Avx2.IsSupported)
        {
            for (; i + Vector256<ulong>.Count <= a.Length; i += LimbChunk)
            {
                int count = Math.Min(LimbChunk, a.Length - i) / Vector256<ulong>.Count * Vector256<ulong>.Count;
                result = Add(result, LimbDot256(a.Slice(i, count), b.Slice(i, count)));
                if (count < LimbChunk)
                {
                    i += count;
                    break;
                }
            }
        }
        return Add(result, ScalarDot(a[i..], b[i..]));
    }

    // Two independent 128-bit accumulators keep two multiplications in flight; each absorbs 32 products per fold.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ulong ScalarDot(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        ulong result = 0;
        int i = 0;
        while (i < a.Length)
        {
            int end = Math.Min(a.Length, i + 2 * LazyTerms);
            UInt128 acc0 = 0, acc1 = 0;
            for (; i + 1 < end; i += 2)
            {
                acc0 += Math.BigMul(a[i], b[i]);
                acc1 += Math.BigMul(a[i + 1], b[i + 1]);
            }
            if (i < end)
            {
                acc0 += Math.BigMul(a[i], b[i]);
                i++;
            }
            result = Add(result, Add(Reduce(acc0), Reduce(acc1)));
        }
        return result;
    }

    // The vector dot: a splits into 32- and 29-bit limbs, b into 21-, 21- and 19-bit limbs, so the six limb products
    // (vpmuludq, 32×32→64 bits) are each below 2^53 and a lane can add 2^11 of them; LimbChunk keeps every lane
    // under that. Each accumulator is then folded mod p and weighted by 2^(32s+21t), a 61-bit rotation.
    private const int LimbChunk = 8192;
    private const ulong Low21 = (1UL << 21) - 1;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ulong LimbDot512(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        ref ulong ra = ref MemoryMarshal.GetReference(a);
        ref ulong rb = ref MemoryMarshal.GetReference(b);
        Vector512<ulong> mask = Vector512.Create(Low21);
        Vector512<ulong> c00 = default, c01 = default, c02 = default, c10 = default, c11 = default, c12 = default;
        for (int j = 0; j < a.Length; j += Vector512<ulong>.Count)
        {
            Vector512<ulong> va = Vector512.LoadUnsafe(ref ra, (nuint)j);
            Vector512<ulong> vb = Vector512.LoadUnsafe(ref rb, (nuint)j);
            Vector512<uint> a0 = va.AsUInt32(), a1 = (va >> 32).AsUInt32();
            Vector512<uint> b0 = (vb & mask).AsUInt32(), b1 = ((vb >> 21) & mask).AsUInt32(), b2 = (vb >> 42).AsUInt32();
            c00 += Avx512F.Multiply(a0, b0);
            c01 += Avx512F.Multiply(a0, b1);
            c02 += Avx512F.Multiply(a0, b2);
            c10 += Avx512F.Multiply(a1, b0);
            c11 += Avx512F.Multiply(a1, b1);
            c12 += Avx512F.Multiply(a1, b2);
        }
        Vector512<ulong> sum = Rotate(FoldLane(c00), 0) + Rotate(FoldLane(c01), 21) + Rotate(FoldLane(c02), 42)
            + Rotate(FoldLane(c10), 32) + Rotate(FoldLane(c11), 53) + Rotate(FoldLane(c12), 13);
        ulong result = 0;
        for (int lane = 0; lane < Vector512<ulong>.Count; lane++)
        {
            result = Add(result, Reduce(sum.GetElement(lane)));
        }
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ulong LimbDot256(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        ref ulong ra = ref MemoryMarshal.GetReference(a);
        ref ulong rb = ref MemoryMarshal.GetReference(b);
        Vector256<ulong> mask = Vector256.Create(Low21);
        Vector256<ulong> c00 = default, c01 = default, c02 = default, c10 = default, c11 = default, c12 = default;
        for (int j = 0; j < a.Length; j += Vector256<ulong>.Count)
        {
            Vector256<ulong> va = Vector256.LoadUnsafe(ref ra, (nuint)j);
            Vector256<ulong> vb = Vector256.LoadUnsafe(ref rb, (nuint)j);
            Vector256<uint> a0 = va.AsUInt32(), a1 = (va >> 32).AsUInt32();
            Vector256<uint> b0 = (vb & mask).AsUInt32(), b1 = ((vb >> 21) & mask).AsUInt32(), b2 = (vb >> 42).AsUInt32();
            c00 += Avx2.Multiply(a0, b0);
            c01 += Avx2.Multiply(a0, b1);
            c02 += Avx2.Multiply(a0, b2);
            c10 += Avx2.Multiply(a1, b0);
            c11 += Avx2.Multiply(a1, b1);
            c12 += Avx2.Multiply(a1, b2);
        }
        Vector256<ulong> sum = Rotate(FoldLane(c00), 0) + Rotate(FoldLane(c01), 21) + Rotate(FoldLane(c02), 42)
            + Rotate(FoldLane(c10), 32) + Rotate(FoldLane(c11), 53) + Rotate(FoldLane(c12), 13);
        ulong result = 0;
        for (int lane = 0; lane < Vector256<ulong>.Count; lane++)
        {
            result = Add(result, Reduce(sum.GetElement(lane)));
        }
        return result;
    }

    // Any u64 lane to [0, p]: two Mersenne folds (the second only matters above 2^61); p itself stands for 0.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> FoldLane(Vector512<ulong> x)
    {
        Vector512<ulong> p = Vector512.Create(P);
        x = (x & p) + (x >> 61);
        return (x & p) + (x >> 61);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> FoldLane(Vector256<ulong> x)
    {
        Vector256<ulong> p = Vector256.Create(P);
        x = (x & p) + (x >> 61);
        return (x & p) + (x >> 61);
    }

    // x·2^bits mod p for x ≤ p: a rotation of the 61-bit word.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Rotate(Vector512<ulong> x, [ConstantExpected(Min = 0, Max = 60)] int bits) =>
        ((x << bits) & Vector512.Create(P)) | (x >> (61 - bits));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Rotate(Vector256<ulong> x, [ConstantExpected(Min = 0, Max = 60)] int bits) =>
        ((x << bits) & Vector256.Create(P)) | (x >> (61 - bits));

    /// <summary>y[i] = Σ_j a[i·cols + j]·x[j] mod p: a row-major matrix times a vector.</summary>
    public static void MatVec(ReadOnlySpan<ulong> a, int rows, int cols, ReadOnlySpan<ulong> x, Span<ulong> y)
    {
        if ((long)rows * cols != a.Length || x.Length != cols || y.Length != rows)
        {
            throw new ArgumentException($"matrix-vector shapes disagree: {rows}×{cols} matrix with {a.Length} elements, vector of {x.Length}, output of {y.Length}");
        }
        for (int r = 0; r < rows; r++)
        {
            y[r] = Dot(a.Slice(r * cols, cols), x);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Final(ulong value)
    {
        // value < 2p: subtract p unless that wraps; the sign of the difference selects without a branch.
        ulong d = value - P;
        return d + (P & (ulong)((long)d >> 63));
    }
}
