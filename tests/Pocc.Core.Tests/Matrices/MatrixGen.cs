using CsCheck;
using Pocc.Core.Hashing;
using Pocc.Core.Matrices;
using Pocc.Core.Numerics;

namespace Pocc.Core.Tests.Matrices;

/// <summary>Generators for matrices of small random shape and content, including edge values.</summary>
internal static class MatrixGen
{
    public static readonly Gen<double> Float64Element = Gen.OneOf(
        Gen.Double.Where(double.IsFinite),
        Gen.OneOf(0.0, -0.0, double.MaxValue, double.MinValue, double.Epsilon, -double.Epsilon, 1.0, -1.0));

    public static readonly Gen<ulong> Mod61Element = Gen.OneOf(Gen.ULong[0, Mod61.P - 1], Gen.OneOf(0UL, Mod61.P - 1));

    public static readonly Gen<Matrix> OfFloat64 =
        Gen.Select(Gen.Int[1, 9], Gen.Int[1, 9]).SelectMany((r, c) => Float64Element.Array[r * c].Select(d => Matrix.FromFloat64(r, c, d)));

    public static readonly Gen<Matrix> OfMod61 =
        Gen.Select(Gen.Int[1, 9], Gen.Int[1, 9]).SelectMany((r, c) => Mod61Element.Array[r * c].Select(d => Matrix.FromMod61(r, c, d)));

    public static readonly Gen<Matrix> Any = Gen.OneOf(OfFloat64, OfMod61);

    public static Hash32 Seed(int i) => Blake3Hash.Of(BitConverter.GetBytes(i));
}
