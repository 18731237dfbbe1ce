using System.Numerics;
using System.Security.Cryptography;

namespace Pocc.Core.Crypto.Vrf;

/// <summary>
/// encode_to_curve for the RFC 9380 suite edwards25519_XMD:SHA-512_ELL2_NU_: expand_message_xmd with SHA-512, one
/// field element, the Elligator 2 map to curve25519, the rational map to edwards25519, then the cofactor cleared.
/// </summary>
/// <remarks>
/// The libsodium that NSec ships is the minimal build, which leaves out crypto_core_ed25519_from_string, so the map is
/// written here. Its field arithmetic is variable-time; that is acceptable because the only input is the public key
/// and alpha, both public in the VRF.
/// </remarks>
internal static class HashToCurve
{
    private const int FieldElementSize = 32;

    /// <summary>L = ceil((ceil(log2(p)) + k) / 8) with k = 128: the bytes hashed per field element.</summary>
    private const int ExpandedSize = 48;

    /// <summary>SHA-512's input block size, the r_in_bytes of expand_message_xmd.</summary>
    private const int HashBlockSize = 128;

    private static readonly BigInteger P = BigInteger.Pow(2, 255) - 19;
    private static readonly BigInteger J = 486662;
    private static readonly BigInteger Z = 2;
    private static readonly BigInteger SqrtMinusOne = BigInteger.ModPow(2, (P - 1) / 4, P);

    /// <summary>sqrt(-486664) with sgn0 = 0, the constant of the curve25519 to edwards25519 rational map.</summary>
    private static readonly BigInteger RationalMapConstant = EvenRoot(Sqrt(Mod(-486664)));

    /// <summary>Writes the encoding of the point for <paramref name="message"/> under <paramref name="dst"/>.</summary>
    public static void Encode(Span<byte> point, ReadOnlySpan<byte> message, ReadOnlySpan<byte> dst)
    {
        Span<byte> uniform = stackalloc byte[ExpandedSize];
        ExpandMessageXmd(uniform, message, dst);
        var u = new BigInteger(uniform, isUnsigned: true, isBigEndian: true) % P;

        var (s, t) = MapToCurve25519(u);
        var (x, y) = ToEdwards(s, t);

        Span<byte> unclear = stackalloc byte[Edwards25519.PointSize];
        EncodePoint(unclear, x, y);
        Edwards25519.MultiplyByCofactor(point, unclear);
    }

    /// <summary>RFC 9380 section 5.3.1 for a single SHA-512 block of output (48 bytes needs only b_1).</summary>
    private static void ExpandMessageXmd(Span<byte> output, ReadOnlySpan<byte> message, ReadOnlySpan<byte> dst)
    {
        if (dst.Length > 255)
        {
            throw new ArgumentException("a hash-to-curve DST is at most 255 bytes", nameof(dst));
        }
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        hash.AppendData(new byte[HashBlockSize]);
        hash.AppendData(message);
        hash.AppendData([0, (byte)output.Length, 0]);
        hash.AppendData(dst);
        hash.AppendData([(byte)dst.Length]);
        Span<byte> b0 = stackalloc byte[SHA512.HashSizeInBytes];
        hash.GetHashAndReset(b0);

        hash.AppendData(b0);
        hash.AppendData([1]);
        hash.AppendData(dst);
        hash.AppendData([(byte)dst.Length]);
        Span<byte> b1 = stackalloc byte[SHA512.HashSizeInBytes];
        hash.GetHashAndReset(b1);
        b1[..output.Length].CopyTo(output);
    }

    /// <summary>RFC 9380 section 6.7.1, Elligator 2 onto curve25519 (J = 486662, K = 1, Z = 2).</summary>
    private static (BigInteger S, BigInteger T) MapToCurve25519(BigInteger u)
    {
        var x1 = Mod(-J * Inverse0(Mod(1 + Z * u * u)));
        if (x1.IsZero)
        {
            x1 = Mod(-J);
        }
        var gx1 = Mod(x1 * x1 * x1 + J * x1 * x1 + x1);
        if (IsSquare(gx1))
        {
            return (x1, OddRoot(Sqrt(gx1)));
        }
        var x2 = Mod(-x1 - J);
        var gx2 = Mod(x2 * x2 * x2 + J * x2 * x2 + x2);
        return (x2, EvenRoot(Sqrt(gx2)));
    }

    /// <summary>RFC 9380 appendix D.1: (v, w) = (sqrt(-486664)·s/t, (s-1)/(s+1)), with (0, 1) for the exceptional cases.</summary>
    private static (BigInteger X, BigInteger Y) ToEdwards(BigInteger s, BigInteger t)
    {
        var denominator = Inverse0(Mod((s + 1) * t));
        if (denominator.IsZero)
        {
            return (BigInteger.Zero, BigInteger.One);
        }
        var x = Mod(RationalMapConstant * s * (s + 1) * denominator);
        var y = Mod((s - 1) * t * denominator);
        return (x, y);
    }

    /// <summary>RFC 8032 section 5.1.2: y little-endian, the sign (parity) of x in the top bit.</summary>
    private static void EncodePoint(Span<byte> output, BigInteger x, BigInteger y)
    {
        output.Clear();
        if (!y.TryWriteBytes(output, out _, isUnsigned: true, isBigEndian: false))
        {
            throw new InvalidOperationException("a reduced field element does not fit in 32 bytes");
        }
        if (!x.IsEven)
        {
            output[FieldElementSize - 1] |= 0x80;
        }
    }

    private static BigInteger Mod(BigInteger value)
    {
        var r = value % P;
        return r.Sign < 0 ? r + P : r;
    }

    private static BigInteger Inverse0(BigInteger value) => BigInteger.ModPow(value, P - 2, P);

    private static bool IsSquare(BigInteger value)
    {
        var legendre = BigInteger.ModPow(value, (P - 1) / 2, P);
        return legendre.IsZero || legendre.IsOne;
    }

    /// <summary>A square root for p ≡ 5 (mod 8); the caller has established that one exists.</summary>
    private static BigInteger Sqrt(BigInteger value)
    {
        var candidate = BigInteger.ModPow(value, (P + 3) / 8, P);
        if (Mod(candidate * candidate) != value)
        {
            candidate = Mod(candidate * SqrtMinusOne);
        }
        if (Mod(candidate * candidate) != value)
        {
            throw new InvalidOperationException("square root of a non-square");
        }
        return candidate;
    }

    // sgn0 for a prime field is the parity of the canonical representative.
    private static BigInteger EvenRoot(BigInteger root) => root.IsEven ? root : P - root;

    private static BigInteger OddRoot(BigInteger root) => root.IsEven ? Mod(P - root) : root;
}
