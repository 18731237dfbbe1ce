using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Pocc.Proofs.Stark;

/// <summary>
/// Element-wise Goldilocks arithmetic over spans, with AVX-512 and AVX2 kernels where the CPU has them. Every path
/// returns canonical values, bit for bit the scalar operators' results.
/// </summary>
/// <remarks>
/// Neither instruction set multiplies 64×64 → 128 bits, so the vector product is built from four 32×32 → 64-bit
/// multiplies (vpmuludq) and then reduced exactly like <see cref="Goldilocks.Reduce128"/>, with compare masks in place
/// of the scalar conditional moves.
/// </remarks>
public static class GoldilocksVector
{
    /// <summary>The kernels a caller can pick, for tests that hold each one to the scalar path.</summary>
    internal enum Path
    {
        Scalar,
        Avx2,
        Avx512,
    }

    private const ulong Low32 = 0xFFFF_FFFFUL;

    /// <summary>The widest path this CPU runs.</summary>
    internal static Path Best { get; } =
        Avx512F.IsSupported && Vector512.IsHardwareAccelerated ? Path.Avx512 : Avx2.IsSupported ? Path.Avx2 : Path.Scalar;

    /// <summary>True when this CPU can run <paramref name="path"/>.</summary>
    internal static bool IsSupported(Path path) => path switch
    {
        Path.Avx512 => Best == Path.Avx512,
        Path.Avx2 => Avx2.IsSupported,
        _ => true,
    };

    /// <summary>destination[i] = a[i] + b[i]; destination may be a or b.</summary>
    public static void Add(ReadOnlySpan<Goldilocks> a, ReadOnlySpan<Goldilocks> b, Span<Goldilocks> destination) =>
        Add(a, b, destination, Best);

    /// <summary>destination[i] = a[i] − b[i]; destination may be a or b.</summary>
    public static void Subtract(ReadOnlySpan<Goldilocks> a, ReadOnlySpan<Goldilocks> b, Span<Goldilocks> destination) =>
        Subtract(a, b, destination, Best);

    /// <summary>destination[i] = a[i] · b[i]; destination may be a or b.</summary>
    public static void Multiply(ReadOnlySpan<Goldilocks> a, ReadOnlySpan<Goldilocks> b, Span<Goldilocks> destination) =>
        Multiply(a, b, destination, Best);

    internal static void Add(ReadOnlySpan<Goldilocks> a, ReadOnlySpan<Goldilocks> b, Span<Goldilocks> destination, Path path)
    {
        CheckLengths(a.Length, b.Length, destination.Length);
        ref ulong x = ref Lanes(a), y = ref Lanes(b), d = ref Lanes(destination);
        int n = destination.Length, i = 0;
        if (path == Path.Avx512)
        {
            for (; i + Vector512<ulong>.Count <= n; i += Vector512<ulong>.Count)
            {
                Add(Vector512.LoadUnsafe(ref x, (nuint)i), Vector512.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
            }
        }
        else if (path == Path.Avx2)
        {
            for (; i + Vector256<ulong>.Count <= n; i += Vector256<ulong>.Count)
            {
                Add(Vector256.LoadUnsafe(ref x, (nuint)i), Vector256.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            destination[i] = a[i] + b[i];
        }
    }

    internal static void Subtract(ReadOnlySpan<Goldilocks> a, ReadOnlySpan<Goldilocks> b, Span<Goldilocks> destination, Path path)
    {
        CheckLengths(a.Length, b.Length, destination.Length);
        ref ulong x = ref Lanes(a), y = ref Lanes(b), d = ref Lanes(destination);
        int n = destination.Length, i = 0;
        if (path == Path.Avx512)
        {
            for (; i + Vector512<ulong>.Count <= n; i += Vector512<ulong>.Count)
            {
                Subtract(Vector512.LoadUnsafe(ref x, (nuint)i), Vector512.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
            }
        }
        else if (path == Path.Avx2)
        {
            for (; i + Vector256<ulong>.Count <= n; i += Vector256<ulong>.Count)
            {
                Subtract(Vector256.LoadUnsafe(ref x, (nuint)i), Vector256.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            destination[i] = a[i] - b[i];
        }
    }

    internal static void Multiply(ReadOnlySpan<Goldilocks> a, ReadOnlySpan<Goldilocks> b, Span<Goldilocks> destination, Path path)
    {
        CheckLengths(a.Length, b.Length, destination.Length);
        ref ulong x = ref Lanes(a), y = ref Lanes(b), d = ref Lanes(destination);
        int n = destination.Length, i = 0;
        if (path == Path.Avx512)
        {
            for (; i + Vector512<ulong>.Count <= n; i += Vector512<ulong>.Count)
            {
                Multiply(Vector512.LoadUnsafe(ref x, (nuint)i), Vector512.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
            }
        }
        else if (path == Path.Avx2)
        {
            for (; i + Vector256<ulong>.Count <= n; i += Vector256<ulong>.Count)
            {
                Multiply(Vector256.LoadUnsafe(ref x, (nuint)i), Vector256.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            destination[i] = a[i] * b[i];
        }
    }

    /// <summary>
    /// The NTT butterfly over matching ranges: (low[j], high[j]) ← (low[j] + w[j]·high[j], low[j] − w[j]·high[j]).
    /// </summary>
    internal static void Butterflies(Span<Goldilocks> low, Span<Goldilocks> high, ReadOnlySpan<Goldilocks> twiddles, Path path)
    {
        CheckLengths(high.Length, twiddles.Length, low.Length);
        ref ulong l = ref Lanes(low), h = ref Lanes(high), w = ref Lanes(twiddles);
        int n = low.Length, j = 0;
        if (path == Path.Avx512)
        {
            for (; j + Vector512<ulong>.Count <= n; j += Vector512<ulong>.Count)
            {
                Vector512<ulong> u = Vector512.LoadUnsafe(ref l, (nuint)j);
                Vector512<ulong> v = Multiply(Vector512.LoadUnsafe(ref h, (nuint)j), Vector512.LoadUnsafe(ref w, (nuint)j));
                Add(u, v).StoreUnsafe(ref l, (nuint)j);
                Subtract(u, v).StoreUnsafe(ref h, (nuint)j);
            }
        }
        else if (path == Path.Avx2)
        {
            for (; j + Vector256<ulong>.Count <= n; j += Vector256<ulong>.Count)
            {
                Vector256<ulong> u = Vector256.LoadUnsafe(ref l, (nuint)j);
                Vector256<ulong> v = Multiply(Vector256.LoadUnsafe(ref h, (nuint)j), Vector256.LoadUnsafe(ref w, (nuint)j));
                Add(u, v).StoreUnsafe(ref l, (nuint)j);
                Subtract(u, v).StoreUnsafe(ref h, (nuint)j);
            }
        }
        for (; j < n; j++)
        {
            Goldilocks u = low[j];
            Goldilocks v = high[j] * twiddles[j];
            low[j] = u + v;
            high[j] = u - v;
        }
    }

    /// <summary>a + b for canonical lanes: the scalar operator's select, as a mask.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<ulong> Add(Vector512<ulong> a, Vector512<ulong> b)
    {
        Vector512<ulong> pb = Vector512.Create(Goldilocks.P) - b;
        return a - pb + (Vector512.LessThan(a, pb) & Vector512.Create(Goldilocks.P));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<ulong> Subtract(Vector512<ulong> a, Vector512<ulong> b) =>
        a - b + (Vector512.LessThan(a, b) & Vector512.Create(Goldilocks.P));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<ulong> Multiply(Vector512<ulong> a, Vector512<ulong> b)
    {
        // The 128-bit product from 32-bit halves; t and u cannot overflow: (2^32 − 1)² + 2 (2^32 − 1) < 2^64.
        Vector512<ulong> ah = a >>> 32, bh = b >>> 32;
        Vector512<ulong> ll = Avx512F.Multiply(a.AsUInt32(), b.AsUInt32());
        Vector512<ulong> lh = Avx512F.Multiply(a.AsUInt32(), bh.AsUInt32());
        Vector512<ulong> hl = Avx512F.Multiply(ah.AsUInt32(), b.AsUInt32());
        Vector512<ulong> hh = Avx512F.Multiply(ah.AsUInt32(), bh.AsUInt32());
        Vector512<ulong> low32 = Vector512.Create(Low32);
        Vector512<ulong> t = hl + (ll >>> 32);
        Vector512<ulong> u = lh + (t & low32);
        Vector512<ulong> lo = (u << 32) | (ll & low32);
        Vector512<ulong> hi = hh + (t >>> 32) + (u >>> 32);
        return Reduce(hi, lo);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Reduce(Vector512<ulong> hi, Vector512<ulong> lo)
    {
        Vector512<ulong> epsilon = Vector512.Create(Goldilocks.Epsilon);
        Vector512<ulong> h1 = hi >>> 32;
        Vector512<ulong> h0 = hi & epsilon;
        Vector512<ulong> t0 = lo - h1 - (Vector512.LessThan(lo, h1) & epsilon);
        Vector512<ulong> t1 = (h0 << 32) - h0;
        Vector512<ulong> t2 = t0 + t1;
        t2 += Vector512.LessThan(t2, t1) & epsilon;
        return t2 - (Vector512.GreaterThanOrEqual(t2, Vector512.Create(Goldilocks.P)) & Vector512.Create(Goldilocks.P));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<ulong> Add(Vector256<ulong> a, Vector256<ulong> b)
    {
        Vector256<ulong> pb = Vector256.Create(Goldilocks.P) - b;
        return a - pb + (Vector256.LessThan(a, pb) & Vector256.Create(Goldilocks.P));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<ulong> Subtract(Vector256<ulong> a, Vector256<ulong> b) =>
        a - b + (Vector256.LessThan(a, b) & Vector256.Create(Goldilocks.P));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<ulong> Multiply(Vector256<ulong> a, Vector256<ulong> b)
    {
        Vector256<ulong> ah = a >>> 32, bh = b >>> 32;
        Vector256<ulong> ll = Avx2.Multiply(a.AsUInt32(), b.AsUInt32());
        Vector256<ulong> lh = Avx2.Multiply(a.AsUInt32(), bh.AsUInt32());
        Vector256<ulong> hl = Avx2.Multiply(ah.AsUInt32(), b.AsUInt32());
        Vector256<ulong> hh = Avx2.Multiply(ah.AsUInt32(), bh.AsUInt32());
        Vector256<ulong> low32 = Vector256.Create(Low32);
        Vector256<ulong> t = hl + (ll >>> 32);
        Vector256<ulong> u = lh + (t & low32);
        Vector256<ulong> lo = (u << 32) | (ll & low32);
        Vector256<ulong> hi = hh + (t >>> 32) + (u >>> 32);
        return Reduce(hi, lo);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Reduce(Vector256<ulong> hi, Vector256<ulong> lo)
    {
        Vector256<ulong> epsilon = Vector256.Create(Goldilocks.Epsilon);
        Vector256<ulong> h1 = hi >>> 32;
        Vector256<ulong> h0 = hi & epsilon;
        Vector256<ulong> t0 = lo - h1 - (Vector256.LessThan(lo, h1) & epsilon);
        Vector256<ulong> t1 = (h0 << 32) - h0;
        Vector256<ulong> t2 = t0 + t1;
        t2 += Vector256.LessThan(t2, t1) & epsilon;
        return t2 - (Vector256.GreaterThanOrEqual(t2, Vector256.Create(Goldilocks.P)) & Vector256.Create(Goldilocks.P));
    }

    private static void CheckLengths(int a, int b, int destination)
    {
        if (a != destination || b != destination)
        {
            throw new ArgumentException($"spans of {a}, {b} and {destination} elements; all three must match");
        }
    }

    // A Goldilocks is one canonical ulong, so a span of them is a span of ulong lanes.
    private static ref ulong Lanes(ReadOnlySpan<Goldilocks> values) => ref Unsafe.As<Goldilocks, ulong>(ref MemoryMarshal.GetReference(values));
}
