using System.Runtime.CompilerServices;

namespace Pocc.Proofs.Stark;

/// <summary>
/// An element c0 + c1·u of the quadratic extension F_p[u]/(u² − 7) of the Goldilocks field, a field of about 2^128
/// elements for the challenges (FRI folding, out-of-domain points) whose soundness a 64-bit field cannot give.
/// </summary>
/// <remarks>7 generates F_p^×, so it is not a square and u² − 7 is irreducible.</remarks>
public readonly struct GoldilocksExt2 : IEquatable<GoldilocksExt2>, IFieldElement<GoldilocksExt2>
{
    /// <summary>The non-residue W with u² = W.</summary>
    public static readonly Goldilocks W = Goldilocks.FromCanonical(7);

    /// <summary>Length of <see cref="WriteTo"/>'s encoding: c0 then c1, each 8 bytes little-endian.</summary>
    public const int EncodedLength = 16;

    /// <summary>The element c0 + c1·u.</summary>
    public GoldilocksExt2(Goldilocks c0, Goldilocks c1)
    {
        C0 = c0;
        C1 = c1;
    }

    /// <summary>The coefficient of 1.</summary>
    public Goldilocks C0 { get; }

    /// <summary>The coefficient of u.</summary>
    public Goldilocks C1 { get; }

    /// <summary>0.</summary>
    public static GoldilocksExt2 Zero => default;

    /// <summary>1.</summary>
    public static GoldilocksExt2 One => new(Goldilocks.One, Goldilocks.Zero);

    /// <summary>True for the zero element.</summary>
    public bool IsZero => C0.IsZero && C1.IsZero;

    /// <summary>The base-field element <paramref name="value"/> embedded as value + 0·u.</summary>
    public static GoldilocksExt2 FromBase(Goldilocks value) => new(value, Goldilocks.Zero);

    public static implicit operator GoldilocksExt2(Goldilocks value) => FromBase(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static GoldilocksExt2 operator +(GoldilocksExt2 a, GoldilocksExt2 b) => new(a.C0 + b.C0, a.C1 + b.C1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static GoldilocksExt2 operator -(GoldilocksExt2 a, GoldilocksExt2 b) => new(a.C0 - b.C0, a.C1 - b.C1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static GoldilocksExt2 operator -(GoldilocksExt2 a) => new(-a.C0, -a.C1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static GoldilocksExt2 operator *(GoldilocksExt2 a, GoldilocksExt2 b)
    {
        // Karatsuba: three base multiplications (plus the multiply by W) instead of four.
        Goldilocks v0 = a.C0 * b.C0;
        Goldilocks v1 = a.C1 * b.C1;
        Goldilocks cross = (a.C0 + a.C1) * (b.C0 + b.C1) - v0 - v1;
        return new(v0 + W * v1, cross);
    }

    /// <summary>Scales by a base-field element: two base multiplications.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static GoldilocksExt2 operator *(GoldilocksExt2 a, Goldilocks b) => new(a.C0 * b, a.C1 * b);

    public static bool operator ==(GoldilocksExt2 a, GoldilocksExt2 b) => a.Equals(b);

    public static bool operator !=(GoldilocksExt2 a, GoldilocksExt2 b) => !a.Equals(b);

    /// <summary>this².</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public GoldilocksExt2 Square()
    {
        Goldilocks p = C0 * C1;
        return new(C0.Square() + W * C1.Square(), p + p);
    }

    /// <summary>The conjugate c0 − c1·u, the image under the Frobenius map x ↦ x^p.</summary>
    public GoldilocksExt2 Conjugate() => new(C0, -C1);

    /// <summary>The norm c0² − 7·c1² = this · conjugate, an element of the base field.</summary>
    public Goldilocks Norm() => C0.Square() - W * C1.Square();

    /// <summary>The multiplicative inverse conjugate / norm; throws <see cref="DivideByZeroException"/> for zero.</summary>
    public GoldilocksExt2 Inverse()
    {
        if (IsZero)
        {
            throw new DivideByZeroException("zero has no inverse in the Goldilocks extension field");
        }
        // The norm of a nonzero element is nonzero because u² − 7 is irreducible.
        return Conjugate() * Norm().Inverse();
    }

    /// <summary>this^<paramref name="exponent"/> by square-and-multiply.</summary>
    public GoldilocksExt2 Pow(ulong exponent) => FieldPower.Pow(this, exponent);

    /// <summary>Writes the canonical 16-byte encoding: c0 then c1, each 8 bytes little-endian.</summary>
    public void WriteTo(Span<byte> destination)
    {
        if (destination.Length < EncodedLength)
        {
            throw new ArgumentException($"needs {EncodedLength} bytes, got {destination.Length}", nameof(destination));
        }
        C0.WriteTo(destination);
        C1.WriteTo(destination[Goldilocks.EncodedLength..]);
    }

    /// <summary>The canonical 16-byte encoding.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[EncodedLength];
        WriteTo(bytes);
        return bytes;
    }

    /// <summary>Decodes <see cref="WriteTo"/>'s encoding; false if the length is wrong or a coefficient is not below p.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out GoldilocksExt2 value)
    {
        value = default;
        if (source.Length != EncodedLength
            || !Goldilocks.TryRead(source[..Goldilocks.EncodedLength], out Goldilocks c0)
            || !Goldilocks.TryRead(source[Goldilocks.EncodedLength..], out Goldilocks c1))
        {
            return false;
        }
        value = new(c0, c1);
        return true;
    }

    public bool Equals(GoldilocksExt2 other) => C0 == other.C0 && C1 == other.C1;

    public override bool Equals(object? obj) => obj is GoldilocksExt2 other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(C0, C1);

    public override string ToString() => $"{C0} + {C1}·u";
}
