using Pocc.Core.Numerics;

namespace Pocc.Core.Tests.Numerics;

public class XofSamplerTests
{
    [Fact]
    public void Same_context_and_material_give_the_same_stream()
    {
        using var a = new XofSampler("pocc/test/v1", [1, 2, 3]);
        using var b = new XofSampler("pocc/test/v1", [1, 2, 3]);

        for (int i = 0; i < 3000; i++)
        {
            Assert.Equal(a.NextUInt64(), b.NextUInt64());
        }
    }

    [Fact]
    public void Different_contexts_or_material_give_different_streams()
    {
        using var baseline = new XofSampler("pocc/test/v1", [1, 2, 3]);
        using var otherContext = new XofSampler("pocc/test/v2", [1, 2, 3]);
        using var otherMaterial = new XofSampler("pocc/test/v1", [1, 2, 4]);

        ulong first = baseline.NextUInt64();

        Assert.NotEqual(first, otherContext.NextUInt64());
        Assert.NotEqual(first, otherMaterial.NextUInt64());
    }

    [Fact]
    public void Stream_matches_BLAKE3_derive_key_XOF_across_buffer_refills()
    {
        using var sampler = new XofSampler("pocc/test/v1", [9]);
        using var hasher = Blake3.Hasher.NewDeriveKey("pocc/test/v1");
        hasher.Update(new byte[] { 9 });
        var expected = new byte[8 * 2000];
        hasher.Finalize(expected);

        for (int i = 0; i < 2000; i++)
        {
            Assert.Equal(BitConverter.ToUInt64(expected, 8 * i), sampler.NextUInt64());
        }
    }

    [Fact]
    public void Signed_units_lie_in_minus_one_to_one_and_cover_both_signs()
    {
        using var sampler = new XofSampler("pocc/test/v1", []);
        var values = new double[10_000];

        sampler.FillSignedUnit(values);

        Assert.All(values, v => Assert.InRange(v, -1.0, Math.BitDecrement(1.0)));
        Assert.Contains(values, v => v < -0.99);
        Assert.Contains(values, v => v > 0.99);
        Assert.InRange(values.Average(), -0.05, 0.05);
    }

    [Fact]
    public void Field_elements_are_reduced_and_spread_over_the_field()
    {
        using var sampler = new XofSampler("pocc/test/v1", []);
        var values = new ulong[10_000];

        sampler.FillMod61(values);

        Assert.All(values, v => Assert.True(Mod61.IsReduced(v)));
        Assert.Contains(values, v => v > Mod61.P / 2);
        Assert.Contains(values, v => v < Mod61.P / 2);
    }

    [Fact]
    public void Bits_are_roughly_fair()
    {
        using var sampler = new XofSampler("pocc/test/v1", []);
        var bits = new bool[10_000];

        sampler.FillBits(bits);

        Assert.InRange(bits.Count(b => b), 4_700, 5_300);
    }
}
