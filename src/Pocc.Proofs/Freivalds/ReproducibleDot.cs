using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Pocc.Proofs.Freivalds;

/// <summary>
/// Float64 dot products whose result is the same bits on every IEEE-754 machine, vector width and thread count, so
/// that validators checking the same result with a tolerance always reach the same verdict.
/// </summary>
/// <remarks>
/// Element j is added into partial sum j mod 16 in increasing j, each step a rounded multiply then a rounded add (never
/// a fused multiply-add, which would round differently); the 16 partial sums are then added pairwise as
/// s_i + s_(i+8), then + 4, + 2, + 1. AVX-512 holds the partial sums in two 8-lane vectors, AVX2 in four 4-lane vectors
/// and the scalar path in an array; all perform exactly the same IEEE operations.
/// </remarks>
internal static class ReproducibleDot
{
    private const int Partials = 16;

    /// <summary>Σ a[j]·x[j] in the canonical order.</summary>
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> x) => Sum(a, x, absolute: false);

    /// <summary>Σ |a[j]|·|x[j]| in the canonical order.</summary>
    public static double AbsDot(ReadOnlySpan<double> a, ReadOnlySpan<double> x) => Sum(a, x, absolute: true);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Sum(ReadOnlySpan<double> a, ReadOnlySpan<double> x, bool absolute)
    {
        if (a.Length != x.Length)
        {
            throw new ArgumentException($"dot product of spans of different lengths ({a.Length} and {x.Length})", nameof(x));
        }
        int full = a.Length / Partials * Partials;
        ref double ra = ref MemoryMarshal.GetReference(a);
        ref double rx = ref MemoryMarshal.GetReference(x);
        Span<double> s = stackalloc double[Partials];
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<double> s0 = default, s1 = default;
            for (int j = 0; j < full; j += Partials)
            {
                Vector512<double> a0 = Vector512.LoadUnsafe(ref ra, (nuint)j), a1 = Vector512.LoadUnsafe(ref ra, (nuint)j + 8);
                Vector512<double> x0 = Vector512.LoadUnsafe(ref rx, (nuint)j), x1 = Vector512.LoadUnsafe(ref rx, (nuint)j + 8);
                if (absolute)
                {
                    a0 = Vector512.Abs(a0); a1 = Vector512.Abs(a1); x0 = Vector512.Abs(x0); x1 = Vector512.Abs(x1);
                }
                s0 += a0 * x0;
                s1 += a1 * x1;
            }
            s0.StoreUnsafe(ref MemoryMarshal.GetReference(s));
            s1.StoreUnsafe(ref MemoryMarshal.GetReference(s), 8);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<double> s0 = default, s1 = default, s2 = default, s3 = default;
            for (int j = 0; j < full; j += Partials)
            {
                Vector256<double> a0 = Vector256.LoadUnsafe(ref ra, (nuint)j), a1 = Vector256.LoadUnsafe(ref ra, (nuint)j + 4);
                Vector256<double> a2 = Vector256.LoadUnsafe(ref ra, (nuint)j + 8), a3 = Vector256.LoadUnsafe(ref ra, (nuint)j + 12);
                Vector256<double> x0 = Vector256.LoadUnsafe(ref rx, (nuint)j), x1 = Vector256.LoadUnsafe(ref rx, (nuint)j + 4);
                Vector256<double> x2 = Vector256.LoadUnsafe(ref rx, (nuint)j + 8), x3 = Vector256.LoadUnsafe(ref rx, (nuint)j + 12);
                if (absolute)
                {
                    a0 = Vector256.Abs(a0); a1 = Vector256.Abs(a1); a2 = Vector256.Abs(a2); a3 = Vector256.Abs(a3);
                    x0 = Vector256.Abs(x0); x1 = Vector256.Abs(x1); x2 = Vector256.Abs(x2); x3 = Vector256.Abs(x3);
                }
                s0 += a0 * x0;
                s1 += a1 * x1;
                s2 += a2 * x2;
                s3 += a3 * x3;
            }
            ref double rs = ref MemoryMarshal.GetReference(s);
            s0.StoreUnsafe(ref rs);
            s1.StoreUnsafe(ref rs, 4);
            s2.StoreUnsafe(ref rs, 8);
            s3.StoreUnsafe(ref rs, 12);
        }
        else
        {
            s.Clear();
            for (int j = 0; j < full; j++)
            {
                s[j & (Partials - 1)] += Term(a[j], x[j], absolute);
            }
        }
        for (int j = full; j < a.Length; j++)
        {
            s[j & (Partials - 1)] += Term(a[j], x[j], absolute);
        }
        for (int width = Partials / 2; width >= 1; width /= 2)
        {
            for (int i = 0; i < width; i++)
            {
                s[i] += s[i + width];
            }
        }
        return s[0];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Term(double a, double x, bool absolute) => absolute ? Math.Abs(a) * Math.Abs(x) : a * x;
}
