using System.Runtime.InteropServices;

namespace Pocc.Core.Crypto.Vrf;

/// <summary>
/// edwards25519 point and scalar arithmetic on 32-byte encodings, through the libsodium that NSec already ships, so
/// every operation that touches a secret scalar is libsodium's constant-time code.
/// </summary>
/// <remarks>
/// libsodium's scalar multiplication refuses points outside the prime-order subgroup, zero scalars and an identity
/// result. <see cref="Multiply"/> maps the legitimate cases (zero scalar, identity point) to the identity; callers
/// validate points with <see cref="IsValidPoint"/> first, so any other refusal is a bug and throws.
/// </remarks>
internal static partial class Edwards25519
{
    public const int PointSize = 32;
    public const int ScalarSize = 32;

    private const string Library = "libsodium";

    /// <summary>The group order L, little-endian.</summary>
    private static ReadOnlySpan<byte> Order =>
    [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
    ];

    /// <summary>The canonical encoding of the neutral element (x = 0, y = 1).</summary>
    public static ReadOnlySpan<byte> Identity =>
    [
        0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    ];

    static Edwards25519()
    {
        // NSec initialises libsodium too, but this type must not depend on NSec having been touched first.
        if (sodium_init() < 0)
        {
            throw new InvalidOperationException("libsodium failed to initialise");
        }
    }

    /// <summary>
    /// True for a canonical encoding of a point in the prime-order subgroup other than the identity: libsodium's check,
    /// which covers RFC 9381's validate_key (no small order) and rejects a torsion component as well.
    /// </summary>
    public static bool IsValidPoint(ReadOnlySpan<byte> point) => crypto_core_ed25519_is_valid_point(point) == 1;

    /// <summary>True when the 32-byte little-endian scalar is below L, the only encodings RFC 9381 accepts for s.</summary>
    public static bool IsCanonicalScalar(ReadOnlySpan<byte> scalar)
    {
        for (int i = ScalarSize - 1; i >= 0; i--)
        {
            if (scalar[i] != Order[i])
            {
                return scalar[i] < Order[i];
            }
        }
        return false;
    }

    public static void Add(Span<byte> result, ReadOnlySpan<byte> p, ReadOnlySpan<byte> q) =>
        Check(crypto_core_ed25519_add(result, p, q), "point addition");

    public static void Subtract(Span<byte> result, ReadOnlySpan<byte> p, ReadOnlySpan<byte> q) =>
        Check(crypto_core_ed25519_sub(result, p, q), "point subtraction");

    /// <summary>8·P by three doublings: unlike scalar multiplication, addition accepts points outside the subgroup.</summary>
    public static void MultiplyByCofactor(Span<byte> result, ReadOnlySpan<byte> point)
    {
        Add(result, point, point);
        Add(result, result, result);
        Add(result, result, result);
    }

    /// <summary>scalar·B for a reduced scalar.</summary>
    public static void MultiplyBase(Span<byte> result, ReadOnlySpan<byte> scalar)
    {
        if (IsZero(scalar))
        {
            Identity.CopyTo(result);
            return;
        }
        Check(crypto_scalarmult_ed25519_base_noclamp(result, scalar), "base-point multiplication");
    }

    /// <summary>scalar·P for a reduced scalar and P in the prime-order subgroup.</summary>
    public static void Multiply(Span<byte> result, ReadOnlySpan<byte> scalar, ReadOnlySpan<byte> point)
    {
        if (IsZero(scalar) || point.SequenceEqual(Identity))
        {
            Identity.CopyTo(result);
            return;
        }
        Check(crypto_scalarmult_ed25519_noclamp(result, scalar, point), "scalar multiplication");
    }

    /// <summary>A 64-byte little-endian integer modulo L.</summary>
    public static void Reduce(Span<byte> result, ReadOnlySpan<byte> wide)
    {
        if (wide.Length != 64)
        {
            throw new ArgumentException("scalar reduction takes 64 bytes", nameof(wide));
        }
        crypto_core_ed25519_scalar_reduce(result, wide);
    }

    /// <summary>(a·b + c) mod L.</summary>
    public static void MultiplyAdd(Span<byte> result, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> c)
    {
        Span<byte> product = stackalloc byte[ScalarSize];
        crypto_core_ed25519_scalar_mul(product, a, b);
        crypto_core_ed25519_scalar_add(result, product, c);
        product.Clear();
    }

    private static bool IsZero(ReadOnlySpan<byte> scalar) => !scalar.ContainsAnyExcept((byte)0);

    // Every point handed over is libsodium's own output or passed IsValidPoint, so a refusal is a bug, not a bad proof.
    private static void Check(int status, string operation)
    {
        if (status != 0)
        {
            throw new InvalidOperationException($"libsodium refused the {operation}");
        }
    }

    [LibraryImport(Library)]
    private static partial int sodium_init();

    [LibraryImport(Library)]
    private static partial int crypto_core_ed25519_is_valid_point(ReadOnlySpan<byte> p);

    [LibraryImport(Library)]
    private static partial int crypto_core_ed25519_add(Span<byte> r, ReadOnlySpan<byte> p, ReadOnlySpan<byte> q);

    [LibraryImport(Library)]
    private static partial int crypto_core_ed25519_sub(Span<byte> r, ReadOnlySpan<byte> p, ReadOnlySpan<byte> q);

    [LibraryImport(Library)]
    private static partial int crypto_scalarmult_ed25519_noclamp(Span<byte> q, ReadOnlySpan<byte> n, ReadOnlySpan<byte> p);

    [LibraryImport(Library)]
    private static partial int crypto_scalarmult_ed25519_base_noclamp(Span<byte> q, ReadOnlySpan<byte> n);

    [LibraryImport(Library)]
    private static partial void crypto_core_ed25519_scalar_reduce(Span<byte> r, ReadOnlySpan<byte> s);

    [LibraryImport(Library)]
    private static partial void crypto_core_ed25519_scalar_mul(Span<byte> z, ReadOnlySpan<byte> x, ReadOnlySpan<byte> y);

    [LibraryImport(Library)]
    private static partial void crypto_core_ed25519_scalar_add(Span<byte> z, ReadOnlySpan<byte> x, ReadOnlySpan<byte> y);
}
