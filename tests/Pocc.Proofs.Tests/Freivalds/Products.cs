using System.Numerics;
using Pocc.Core.Hashing;
using Pocc.Core.Matrices;
using Pocc.Core.Numerics;

namespace Pocc.Proofs.Tests.Freivalds;

/// <summary>Test operands and honest products computed the slow way, plus helpers that corrupt a result.</summary>
internal static class Products
{
    public static Hash32 Seed(int i) => Blake3Hash.Of(BitConverter.GetBytes(i));

    public static (Matrix A, Matrix B, Matrix C) Mod61(int m, int k, int n, int seed)
    {
        var a = Matrix.Random(m, k, MatrixElementType.Mod61, Seed(seed));
        var b = Matrix.Random(k, n, MatrixElementType.Mod61, Seed(seed + 1_000_000));
        var c = new ulong[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                BigInteger sum = 0;
                for (int p = 0; p < k; p++)
                {
                    sum += (BigInteger)a.GetMod61(i, p) * b.GetMod61(p, j);
                }
                c[i * n + j] = (ulong)(sum % Pocc.Core.Numerics.Mod61.P);
            }
        }
        return (a, b, Matrix.FromMod61(m, n, c));
    }

    /// <summary>An honest f64 product, summed in reverse order so that it differs from any BLAS in the last bits.</summary>
    public static (Matrix A, Matrix B, Matrix C) Float64(int m, int k, int n, int seed, double scale = 1)
    {
        var a = Scale(Matrix.Random(m, k, MatrixElementType.Float64, Seed(seed)), scale);
        var b = Matrix.Random(k, n, MatrixElementType.Float64, Seed(seed + 1_000_000));
        var c = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = k - 1; p >= 0; p--)
                {
                    sum += a.GetFloat64(i, p) * b.GetFloat64(p, j);
                }
                c[i * n + j] = sum;
            }
        }
        return (a, b, Matrix.FromFloat64(m, n, c));
    }

    public static Matrix WithMod61Entry(Matrix c, int index, ulong delta)
    {
        var data = c.Mod61.ToArray();
        data[index] = Pocc.Core.Numerics.Mod61.Add(data[index], delta);
        return Matrix.FromMod61(c.Rows, c.Cols, data);
    }

    public static Matrix WithFloat64Entry(Matrix c, int index, double delta)
    {
        var data = c.Float64.ToArray();
        data[index] += delta;
        return Matrix.FromFloat64(c.Rows, c.Cols, data);
    }

    private static Matrix Scale(Matrix m, double scale) =>
        scale == 1 ? m : Matrix.FromFloat64(m.Rows, m.Cols, m.Float64.ToArray().Select(v => v * scale).ToArray());
}
