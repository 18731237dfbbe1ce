using CsCheck;
using Pocc.Proofs.Freivalds;

namespace Pocc.Proofs.Tests.Freivalds;

public class ReproducibleDotTests
{
    // The documented order written out with scalars: partial sum j mod 16, then pairwise s_i + s_(i+8), +4, +2, +1.
    private static double Canonical(double[] a, double[] x, bool absolute)
    {
        var s = new double[16];
        for (int j = 0; j < a.Length; j++)
        {
            s[j % 16] += absolute ? Math.Abs(a[j]) * Math.Abs(x[j]) : a[j] * x[j];
        }
        for (int width = 8; width >= 1; width /= 2)
        {
            for (int i = 0; i < width; i++)
            {
                s[i] += s[i + width];
            }
        }
        return s[0];
    }

    [Fact]
    public void Vector_paths_give_the_bits_of_the_documented_scalar_order() =>
        Gen.Int[0, 200].SelectMany(n => Gen.Select(Gen.Double[-1e6, 1e6].Array[n], Gen.Double[-1e6, 1e6].Array[n])).Sample((a, x) =>
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(Canonical(a, x, false)), BitConverter.DoubleToInt64Bits(ReproducibleDot.Dot(a, x)));
            Assert.Equal(BitConverter.DoubleToInt64Bits(Canonical(a, x, true)), BitConverter.DoubleToInt64Bits(ReproducibleDot.AbsDot(a, x)));
        }, iter: 500);
}
