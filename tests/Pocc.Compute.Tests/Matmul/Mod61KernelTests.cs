using Pocc.Compute.Matmul;
using Pocc.Core.Matrices;
using Pocc.Core.Numerics;

namespace Pocc.Compute.Tests.Matmul;

public class Mod61KernelTests
{
    // Shapes around the vector width (8 / 4), the register tile (4 / 2 rows) and the K-slice (256).
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 1, 1, 1 }, { 1, 7, 1 }, { 1, 1, 9 }, { 1, 13, 17 }, { 17, 13, 1 }, { 3, 5, 7 }, { 4, 8, 8 }, { 5, 9, 11 },
        { 8, 16, 8 }, { 9, 31, 33 }, { 13, 257, 6 }, { 7, 300, 15 }, { 33, 65, 31 }, { 2, 513, 3 }, { 70, 40, 70 },
    };

    public static TheoryData<string> Paths => ["default", "avx2", "scalar"];

    private static Mod61Kernel? Kernel(string path) => path switch
    {
        "default" => new Mod61Kernel(),
        "avx2" => Mod61Kernel.CreateAvx2(),
        _ => Mod61Kernel.CreateScalar(),
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Matches_the_BigInteger_reference_on_every_path(int m, int k, int n)
    {
        var a = Reference.Random(m, k, MatrixElementType.Mod61, m * 1000 + k);
        var b = Reference.Random(k, n, MatrixElementType.Mod61, n * 1000 + k + 1);
        ulong[] expected = Reference.Mod61(a, b);

        foreach (string path in Paths)
        {
            var kernel = Kernel(path);
            if (kernel is null)
            {
                continue;
            }
            Assert.Equal(expected, kernel.Multiply(a, b).Mod61.ToArray());
        }
    }

    [Fact]
    public void Largest_elements_do_not_overflow_the_lazy_accumulators()
    {
        // (p−1)^2 ≡ 1, so every entry of the product is k mod p; k spans several K-slices.
        const int m = 5, k = 2100, n = 11;
        var a = Matrix.FromMod61(m, k, Enumerable.Repeat(Mod61.P - 1, m * k).ToArray());
        var b = Matrix.FromMod61(k, n, Enumerable.Repeat(Mod61.P - 1, k * n).ToArray());

        foreach (string path in Paths)
        {
            var kernel = Kernel(path);
            if (kernel is null)
            {
                continue;
            }
            Assert.All(kernel.Multiply(a, b).Mod61.ToArray(), v => Assert.Equal((ulong)k, v));
        }
    }

    [Fact]
    public void Limb_boundaries_are_exact()
    {
        // Values with every limb at its maximum or zero: 2^21−1, 2^32−1, 2^42−1, 2^53, p−1.
        ulong[] edges = [0, 1, (1UL << 21) - 1, 1UL << 21, (1UL << 32) - 1, 1UL << 32, (1UL << 42) - 1, 1UL << 42, 1UL << 53, Mod61.P - 1];
        int size = edges.Length;
        var a = Matrix.FromMod61(size, size, Enumerable.Range(0, size * size).Select(i => edges[i % size]).ToArray());
        var b = Matrix.FromMod61(size, size, Enumerable.Range(0, size * size).Select(i => edges[(i / size + i) % size]).ToArray());
        ulong[] expected = Reference.Mod61(a, b);

        foreach (string path in Paths)
        {
            var kernel = Kernel(path);
            if (kernel is not null)
            {
                Assert.Equal(expected, kernel.Multiply(a, b).Mod61.ToArray());
            }
        }
    }

    [Fact]
    public void Every_path_and_thread_count_gives_the_same_bits()
    {
        var a = Reference.Random(37, 290, MatrixElementType.Mod61, 1);
        var b = Reference.Random(290, 45, MatrixElementType.Mod61, 2);
        var expected = new Mod61Kernel(1).Multiply(a, b);

        Assert.True(new Mod61Kernel(3).Multiply(a, b).ContentEquals(expected));
        Assert.True(Mod61Kernel.CreateScalar(2).Multiply(a, b).ContentEquals(expected));
        Assert.True(Mod61Kernel.CreateAvx2(2)?.Multiply(a, b).ContentEquals(expected) ?? true);
    }

    [Fact]
    public void Span_overload_overwrites_the_output()
    {
        var a = Reference.Random(3, 4, MatrixElementType.Mod61, 3);
        var b = Reference.Random(4, 5, MatrixElementType.Mod61, 4);
        var c = Enumerable.Repeat(123UL, 15).ToArray();

        new Mod61Kernel().Multiply(new MatmulShape(3, 4, 5), a.Mod61, b.Mod61, c);

        Assert.Equal(Reference.Mod61(a, b), c);
    }

    [Fact]
    public void Rejects_mismatched_inner_dimensions_with_a_clear_message()
    {
        var a = Reference.Random(3, 4, MatrixElementType.Mod61, 5);
        var b = Reference.Random(5, 2, MatrixElementType.Mod61, 6);

        var error = Assert.Throws<ArgumentException>(() => new Mod61Kernel().Multiply(a, b));

        Assert.Contains("A has 4 columns but B has 5 rows", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_float64_operands()
    {
        var a = Reference.Random(2, 2, MatrixElementType.Float64, 7);

        Assert.Throws<ArgumentException>(() => new Mod61Kernel().Multiply(a, a));
    }

    [Fact]
    public void Honours_cancellation()
    {
        var a = Reference.Random(64, 64, MatrixElementType.Mod61, 8);
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => new Mod61Kernel().Multiply(a, a, cts.Token));
    }
}
