using System.Numerics;
using CsCheck;
using Pocc.Proofs.Stark;

namespace Pocc.Proofs.Tests.Stark;

/// <summary>Generators and the BigInteger reference the field tests compare against.</summary>
internal static class FieldGen
{
    public const ulong P = Goldilocks.P;

    public static readonly BigInteger BigP = (BigInteger.One << 64) - (BigInteger.One << 32) + 1;

    /// <summary>Canonical values where carries, borrows and the final subtraction change behaviour.</summary>
    public static readonly ulong[] Edges =
    [
        0, 1, 2, P - 1, P - 2, (1UL << 32) - 1, 1UL << 32, (1UL << 32) + 1, 1UL << 63, (1UL << 63) - 1, (1UL << 63) + 1,
        P - (1UL << 32), P - 0xFFFF_FFFF, 0xFFFF_FFFF_0000_0000,
    ];

    /// <summary>Raw 64-bit values including those at and above p, which only FromUInt64 may take.</summary>
    public static readonly ulong[] RawEdges = [.. Edges, P, P + 1, ulong.MaxValue, ulong.MaxValue - 1, ulong.MaxValue - 0xFFFF_FFFF];

    public static readonly Gen<ulong> Canonical = Gen.Frequency((3, Gen.ULong[0, P - 1]), (1, Gen.OneOf(Edges)));

    public static readonly Gen<Goldilocks> Element = Canonical.Select(Goldilocks.FromCanonical);

    public static readonly Gen<Goldilocks> NonZero = Element.Where(x => !x.IsZero);

    public static readonly Gen<GoldilocksExt2> Ext = Gen.Select(Element, Element, (a, b) => new GoldilocksExt2(a, b));

    public static BigInteger Big(Goldilocks x) => x.Value;

    public static ulong Mod(BigInteger x)
    {
        BigInteger r = x % BigP;
        return (ulong)(r.Sign < 0 ? r + BigP : r);
    }
}
