using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace Pocc.Proofs.Stark;

/// <summary>
/// An element of the Goldilocks field F_p, p = 2^64 − 2^32 + 1, held as its canonical representative in [0, p).
/// </summary>
/// <remarks>
/// p − 1 = 2^32 · 3 · 5 · 17 · 257 · 65537, so the multiplicative group has subgroups of every order 2^k up to 2^32
/// (radix-2 NTTs up to that size) and 7 generates it. Reduction uses 2^64 ≡ 2^32 − 1 and 2^96 ≡ −1 (mod p), which
/// turn a 128-bit product into a few 64-bit adds and subtracts. Every operation keeps values canonical, so equality
/// and encoding are plain comparisons of the <see cref="Value"/>.
/// </remarks>
public readonly struct Goldilocks : IEquatable<Goldilocks>, IFieldElement<Goldilocks>
{
    /// <summary>The modulus p = 2^64 − 2^32 + 1.</summary>
    public const ulong P = 0xFFFF_FFFF_0000_0001UL;

    /// <summary>Length of <see cref="WriteTo"/>'s encoding: the canonical value, 8 bytes little-endian.</summary>
    public const int EncodedLength = 8;

    /// <summary>The largest k for which the field has a primitive 2^k-th root of unity.</summary>
    public const int TwoAdicity = 32;

    // 2^64 mod p, the correction for a carry out of 64 bits.
    internal const ulong Epsilon = 0xFFFF_FFFFUL;

    // Primitive 2^k-th roots for k = 0..32: entry 32 is 7^((p−1)/2^32), each entry below it the square of the one above.
    private static readonly Goldilocks[] Roots = ComputeRoots(inverse: false);
    private static readonly Goldilocks[] InverseRoots = ComputeRoots(inverse: true);

    private readonly ulong _value;

    private Goldilocks(ulong canonical) => _value = canonical;

    /// <summary>0.</summary>
    public static Goldilocks Zero => default;

    /// <summary>1.</summary>
    public static Goldilocks One => new(1);

    /// <summary>7, a generator of the multiplicative group F_p^×.</summary>
    public static Goldilocks Generator => new(7);

    /// <summary>The canonical representative, in [0, p).</summary>
    public ulong Value => _value;

    /// <summary>True for the zero element.</summary>
    public bool IsZero => _value == 0;

    /// <summary>The element whose canonical value is <paramref name="value"/>; throws if it is not below p.</summary>
    public static Goldilocks FromCanonical(ulong value) =>
        value < P ? new(value) : throw new ArgumentOutOfRangeException(nameof(value), value, "not a canonical Goldilocks element (≥ p)");

    /// <summary>Like <see cref="FromCanonical"/> without throwing: false when <paramref name="value"/> ≥ p.</summary>
    public static bool TryFromCanonical(ulong value, out Goldilocks element)
    {
        element = new(value < P ? value : 0);
        return value < P;
    }

    /// <summary>Any 64-bit value reduced modulo p.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Goldilocks FromUInt64(ulong value) => new(value >= P ? value - P : value);

    static Goldilocks IFieldElement<Goldilocks>.FromBase(Goldilocks value) => value;

    /// <summary>A signed integer mapped into the field (−1 ↦ p − 1).</summary>
    public static Goldilocks FromInt64(long value) =>
        value >= 0 ? FromUInt64((ulong)value) : -FromUInt64((ulong)(-(value + 1))) - One;

    /// <summary>A primitive 2^<paramref name="logN"/>-th root of unity ω, the same one every call: ω_{k}² = ω_{k−1}.</summary>
    public static Goldilocks RootOfUnity(int logN)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(logN);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(logN, TwoAdicity);
        return Roots[logN];
    }

    /// <summary>The inverse of <see cref="RootOfUnity"/>(<paramref name="logN"/>).</summary>
    public static Goldilocks InverseRootOfUnity(int logN)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(logN);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(logN, TwoAdicity);
        return InverseRoots[logN];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Goldilocks operator +(Goldilocks a, Goldilocks b)
    {
        // a + b ≥ p exactly when a ≥ p − b (no overflow: p − b is in [1, p]); then a − (p − b) is the answer,
        // otherwise that subtraction wrapped and adding p back gives a + b.
        ulong pb = P - b._value;
        ulong t = a._value - pb;
        return new(t + (P & MaskIf(a._value < pb)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Goldilocks operator -(Goldilocks a, Goldilocks b)
    {
        ulong d = a._value - b._value;
        return new(d + (P & MaskIf(a._value < b._value)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Goldilocks operator -(Goldilocks a) => new(a._value == 0 ? 0 : P - a._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Goldilocks operator *(Goldilocks a, Goldilocks b)
    {
        ulong hi = Math.BigMul(a._value, b._value, out ulong lo);
        return new(Reduce128(hi, lo));
    }

    public static bool operator ==(Goldilocks a, Goldilocks b) => a._value == b._value;

    public static bool operator !=(Goldilocks a, Goldilocks b) => a._value != b._value;

    /// <summary>The canonical residue of the 128-bit value hi·2^64 + lo.</summary>
    /// <remarks>
    /// With hi = h1·2^32 + h0: x ≡ lo − h1 + h0·(2^32 − 1). Each step that wraps 2^64 is corrected by ∓(2^32 − 1),
    /// and neither correction can wrap again; the result is below 2^64 &lt; 2p, so one conditional subtraction of p
    /// makes it canonical. The carry of t0 + t1 is a coin flip for random operands, so it is a mask; the borrow and
    /// the final subtraction almost never happen, so they stay branches, which predict well and keep the dependency
    /// chain of a run of multiplications short.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Reduce128(ulong hi, ulong lo)
    {
        ulong h1 = hi >> 32;
        ulong h0 = hi & Epsilon;
        ulong t0 = lo - h1;
        t0 -= lo < h1 ? Epsilon : 0;            // borrowed 2^64 ≡ ε: take it back
        ulong t1 = (h0 << 32) - h0;             // h0·ε < 2^64
        ulong t2 = t0 + t1;
        t2 += Epsilon & MaskIf(t2 < t1);        // carried 2^64 ≡ ε: add it in
        return t2 >= P ? t2 - P : t2;
    }

    // All ones when the condition holds, else zero, from a flag (setcc) rather than a branch: the JIT keeps branches
    // for most ternaries inside loops, and a coin-flip condition mispredicts half the time.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MaskIf(bool condition) => 0UL - Unsafe.BitCast<bool, byte>(condition);

    /// <summary>this².</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Goldilocks Square() => this * this;

    /// <summary>this^<paramref name="exponent"/> by square-and-multiply.</summary>
    public Goldilocks Pow(ulong exponent) => FieldPower.Pow(this, exponent);

    /// <summary>The multiplicative inverse; throws <see cref="DivideByZeroException"/> for zero.</summary>
    /// <remarks>
    /// this^(p−2) by an addition chain: p − 2 = (2^31 − 1)·2^33 + (2^32 − 1), built from x^(2^k − 1) powers in
    /// 64 squarings and 9 multiplications instead of square-and-multiply's 63 and 62.
    /// </remarks>
    public Goldilocks Inverse()
    {
        if (_value == 0)
        {
            throw new DivideByZeroException("zero has no inverse in the Goldilocks field");
        }
        Goldilocks x = this;
        Goldilocks t2 = x.Square() * x;                  // x^(2^2 − 1)
        Goldilocks t3 = t2.Square() * x;                 // x^(2^3 − 1)
        Goldilocks t6 = t3.SquareTimes(3) * t3;
        Goldilocks t12 = t6.SquareTimes(6) * t6;
        Goldilocks t24 = t12.SquareTimes(12) * t12;
        Goldilocks t30 = t24.SquareTimes(6) * t6;
        Goldilocks t31 = t30.Square() * x;
        Goldilocks t32 = t31.Square() * x;
        return t31.SquareTimes(33) * t32;
    }

    /// <summary>this^(2^k).</summary>
    private Goldilocks SquareTimes(int k)
    {
        Goldilocks r = this;
        for (int i = 0; i < k; i++)
        {
            r = r.Square();
        }
        return r;
    }

    /// <summary>
    /// Writes the inverse of every element of <paramref name="values"/> into <paramref name="result"/> (which may be the
    /// same span) with one field inversion and about 3n multiplications (Montgomery's trick). Throws
    /// <see cref="DivideByZeroException"/> if any element is zero.
    /// </summary>
    public static void BatchInverse(ReadOnlySpan<Goldilocks> values, Span<Goldilocks> result)
    {
        if (result.Length != values.Length)
        {
            throw new ArgumentException($"result has {result.Length} elements for {values.Length} inputs", nameof(result));
        }
        if (values.IsEmpty)
        {
            return;
        }
        // Prefix products go to a scratch buffer so that result may alias values.
        Goldilocks[] prefix = new Goldilocks[values.Length];
        Goldilocks acc = One;
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i]._value == 0)
            {
                throw new DivideByZeroException($"element {i} is zero and has no inverse");
            }
            prefix[i] = acc;
            acc *= values[i];
        }
        Goldilocks inverse = acc.Inverse();      // (v_0 ⋯ v_{n−1})^−1
        for (int i = values.Length - 1; i >= 0; i--)
        {
            Goldilocks v = values[i];
            result[i] = inverse * prefix[i];     // (v_0 ⋯ v_{i−1}) / (v_0 ⋯ v_i) = 1 / v_i
            inverse *= v;
        }
    }

    /// <summary>Writes the canonical encoding: the value, 8 bytes little-endian.</summary>
    public void WriteTo(Span<byte> destination) => BinaryPrimitives.WriteUInt64LittleEndian(destination, _value);

    /// <summary>Decodes <see cref="WriteTo"/>'s encoding; false if the length is wrong or the value is not below p.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out Goldilocks value)
    {
        value = default;
        return source.Length == EncodedLength && TryFromCanonical(BinaryPrimitives.ReadUInt64LittleEndian(source), out value);
    }

    public bool Equals(Goldilocks other) => _value == other._value;

    public override bool Equals(object? obj) => obj is Goldilocks other && Equals(other);

    public override int GetHashCode() => _value.GetHashCode();

    public override string ToString() => _value.ToString(CultureInfo.InvariantCulture);

    private static Goldilocks[] ComputeRoots(bool inverse)
    {
        var roots = new Goldilocks[TwoAdicity + 1];
        Goldilocks top = Generator.Pow((P - 1) >> TwoAdicity);
        roots[TwoAdicity] = inverse ? top.Inverse() : top;
        for (int k = TwoAdicity - 1; k >= 0; k--)
        {
            roots[k] = roots[k + 1].Square();
        }
        return roots;
    }
}
