using Pocc.Core.Hashing;
using Pocc.Core.Matrices;
using Pocc.Core.Numerics;

namespace Pocc.Core.Tests.Matrices;

public class MatrixTests
{
    [Fact]
    public void Random_is_determined_by_seed_shape_and_type()
    {
        var a = Matrix.Random(7, 5, MatrixElementType.Mod61, MatrixGen.Seed(1));
        var b = Matrix.Random(7, 5, MatrixElementType.Mod61, MatrixGen.Seed(1));

        Assert.True(a.ContentEquals(b));
        Assert.False(a.ContentEquals(Matrix.Random(7, 5, MatrixElementType.Mod61, MatrixGen.Seed(2))));
        Assert.NotEqual(a.GetMod61(0, 0), Matrix.Random(5, 7, MatrixElementType.Mod61, MatrixGen.Seed(1)).GetMod61(0, 0));
    }

    [Fact]
    public void Random_float64_is_uniform_in_minus_one_to_one()
    {
        var m = Matrix.Random(100, 100, MatrixElementType.Float64, MatrixGen.Seed(3));

        Assert.All(m.Float64.ToArray(), v => Assert.InRange(v, -1.0, Math.BitDecrement(1.0)));
        Assert.InRange(m.Float64.ToArray().Average(), -0.05, 0.05);
        Assert.InRange(m.Float64.ToArray().Select(v => v * v).Average(), 1.0 / 3 - 0.03, 1.0 / 3 + 0.03);
    }

    [Fact]
    public void Random_mod61_elements_are_reduced()
    {
        var m = Matrix.Random(64, 64, MatrixElementType.Mod61, MatrixGen.Seed(4));

        Assert.All(m.Mod61.ToArray(), v => Assert.True(Mod61.IsReduced(v)));
    }

    [Fact]
    public void Random_is_pinned_to_the_documented_derivation()
    {
        // Pins RandomContext and the material layout: seed ‖ u8 type ‖ u32 rows ‖ u32 cols.
        var seed = MatrixGen.Seed(5);
        var material = new byte[41];
        seed.CopyTo(material);
        material[32] = 2;
        BitConverter.GetBytes(3u).CopyTo(material, 33);
        BitConverter.GetBytes(2u).CopyTo(material, 37);
        using var hasher = Blake3.Hasher.NewDeriveKey(Matrix.RandomContext);
        hasher.Update(material);
        var xof = new byte[8];
        hasher.Finalize(xof);

        var m = Matrix.Random(3, 2, MatrixElementType.Mod61, seed);

        Assert.Equal(BitConverter.ToUInt64(xof) & Mod61.P, m.GetMod61(0, 0));
    }

    [Fact]
    public void FromMod61_rejects_unreduced_elements() =>
        Assert.Throws<ArgumentException>(() => Matrix.FromMod61(1, 2, [1, Mod61.P]));

    [Fact]
    public void Rejects_empty_and_mismatched_shapes()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Matrix.FromFloat64(0, 1, []));
        Assert.Throws<ArgumentException>(() => Matrix.FromFloat64(2, 2, new double[3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Matrix.Random(1 << 16, 1 << 16, MatrixElementType.Float64, Hash32.Zero));
    }

    [Fact]
    public void Typed_views_refuse_the_other_type()
    {
        var m = Matrix.FromMod61(1, 1, [5]);

        Assert.Throws<InvalidOperationException>(() => m.Float64.Length);
        Assert.Equal(5UL, m.GetMod61(0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => m.GetMod61(1, 0));
    }

    [Fact]
    public void Content_equality_compares_bits()
    {
        Assert.False(Matrix.FromFloat64(1, 1, [0.0]).ContentEquals(Matrix.FromFloat64(1, 1, [-0.0])));
        Assert.False(Matrix.FromFloat64(1, 2, [1, 2]).ContentEquals(Matrix.FromFloat64(2, 1, [1, 2])));
        Assert.True(Matrix.FromFloat64(1, 2, [1, 2]).ContentEquals(Matrix.FromFloat64(1, 2, [1, 2])));
    }
}
