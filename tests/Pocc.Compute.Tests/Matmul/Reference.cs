using System.Numerics;
using Pocc.Core.Hashing;
using Pocc.Core.Matrices;
using Pocc.Core.Numerics;

namespace Pocc.Compute.Tests.Matmul;

/// <summary>Slow, obviously correct products to test the kernels against.</summary>
internal static class Reference
{
    public static Hash32 Seed(int i) => Blake3Hash.Of(BitConverter.GetBytes(i));

    public static Matrix Random(int rows, int cols, MatrixElementType type, int seed) => Matrix.Random(rows, cols, type, Seed(seed));

    /// <summary>Exact A·B mod p through BigInteger sums.</summary>
    public static ulong[] Mod61(Matrix a, Matrix b)
    {
        var c = new ulong[a.Rows * b.Cols];
        for (int i = 0; i < a.Rows; i++)
        {
            for (int j = 0; j < b.Cols; j++)
            {
                BigInteger sum = 0;
                for (int p = 0; p < a.Cols; p++)
                {
                    sum += (BigInteger)a.GetMod61(i, p) * b.GetMod61(p, j);
                }
                c[i * b.Cols + j] = (ulong)(sum % Pocc.Core.Numerics.Mod61.P);
            }
        }
        return c;
    }

    /// <summary>A·B in f64 summed in order, with |A|·|B| for error bounds.</summary>
    public static (double[] Product, double[] Magnitude) Float64(Matrix a, Matrix b)
    {
        var c = new double[a.Rows * b.Cols];
        var mag = new double[a.Rows * b.Cols];
        for (int i = 0; i < a.Rows; i++)
        {
            for (int j = 0; j < b.Cols; j++)
            {
                double sum = 0, abs = 0;
                for (int p = 0; p < a.Cols; p++)
                {
                    sum += a.GetFloat64(i, p) * b.GetFloat64(p, j);
                    abs += Math.Abs(a.GetFloat64(i, p) * b.GetFloat64(p, j));
                }
                c[i * b.Cols + j] = sum;
                mag[i * b.Cols + j] = abs;
            }
        }
        return (c, mag);
    }

    /// <summary>Asserts every entry of <paramref name="actual"/> is within rel·(|A||B|)_ij of the reference.</summary>
    public static void AssertClose(Matrix a, Matrix b, Matrix actual, double relative = 1e-12)
    {
        var (expected, magnitude) = Float64(a, b);
        Assert.Equal(a.Rows, actual.Rows);
        Assert.Equal(b.Cols, actual.Cols);
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(expected[i] - actual.Float64[i]);
            Assert.True(error <= relative * magnitude[i] + 1e-300, $"entry {i}: {actual.Float64[i]} vs {expected[i]} (error {error:E3}, bound {relative * magnitude[i]:E3})");
        }
    }

    public static bool IsReduced(ulong value) => value < Pocc.Core.Numerics.Mod61.P;
}
