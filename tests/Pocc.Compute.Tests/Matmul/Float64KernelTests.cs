using Pocc.Compute.Matmul;
using Pocc.Core.Matrices;

namespace Pocc.Compute.Tests.Matmul;

public class Float64KernelTests
{
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 1, 1, 1 }, { 1, 5, 1 }, { 1, 3, 17 }, { 19, 3, 1 }, { 6, 8, 8 }, { 8, 16, 16 }, { 7, 13, 9 }, { 9, 17, 33 },
        { 31, 257, 15 }, { 50, 300, 70 }, { 130, 20, 35 },
    };

    private static IEnumerable<ManagedFloat64Kernel> ManagedPaths()
    {
        yield return new ManagedFloat64Kernel();
        if (ManagedFloat64Kernel.CreateAvx2() is { } avx2)
        {
            yield return avx2;
        }
        yield return ManagedFloat64Kernel.CreateScalar();
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Managed_paths_match_the_reference_to_rounding(int m, int k, int n)
    {
        var a = Reference.Random(m, k, MatrixElementType.Float64, m + 7 * k);
        var b = Reference.Random(k, n, MatrixElementType.Float64, n + 11 * k);

        foreach (var kernel in ManagedPaths())
        {
            Reference.AssertClose(a, b, kernel.Multiply(a, b));
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Managed_kernel_matches_OpenBLAS_within_a_small_relative_tolerance(int m, int k, int n)
    {
        if (!OpenBlasKernel.TryCreate(out var blas, out _))
        {
            return; // Without OpenBLAS the reference test above is the check.
        }
        var a = Reference.Random(m, k, MatrixElementType.Float64, 3 * m + k);
        var b = Reference.Random(k, n, MatrixElementType.Float64, 5 * n + k);
        var (_, magnitude) = Reference.Float64(a, b);

        var expected = blas!.Multiply(a, b);
        var actual = new ManagedFloat64Kernel().Multiply(a, b);

        for (int i = 0; i < magnitude.Length; i++)
        {
            Assert.True(Math.Abs(expected.Float64[i] - actual.Float64[i]) <= 1e-12 * magnitude[i], $"entry {i}");
        }
    }

    [Fact]
    public void OpenBLAS_matches_the_reference_when_present()
    {
        if (!OpenBlasKernel.TryCreate(out var blas, out _))
        {
            return;
        }
        var a = Reference.Random(23, 41, MatrixElementType.Float64, 1);
        var b = Reference.Random(41, 29, MatrixElementType.Float64, 2);

        Reference.AssertClose(a, b, blas!.Multiply(a, b));
        Assert.Equal("openblas", blas.Name);
        Assert.Contains("libopenblas", blas.Library, StringComparison.Ordinal);
    }

    [Fact]
    public void Span_overload_overwrites_the_output()
    {
        var a = Reference.Random(5, 6, MatrixElementType.Float64, 3);
        var b = Reference.Random(6, 7, MatrixElementType.Float64, 4);
        var c = Enumerable.Repeat(99.0, 35).ToArray();

        new ManagedFloat64Kernel().Multiply(new MatmulShape(5, 6, 7), a.Float64, b.Float64, c);

        Reference.AssertClose(a, b, Matrix.FromFloat64(5, 7, c));
    }

    [Fact]
    public void Rejects_mismatched_dimensions_and_buffers()
    {
        var a = Reference.Random(3, 4, MatrixElementType.Float64, 5);
        var b = Reference.Random(3, 4, MatrixElementType.Float64, 6);
        var kernel = new ManagedFloat64Kernel();

        var error = Assert.Throws<ArgumentException>(() => kernel.Multiply(a, b));
        Assert.Contains("cannot multiply A (3×4) by B (3×4)", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => kernel.Multiply(new MatmulShape(3, 4, 4), a.Float64, b.Float64, new double[12]));
        Assert.Throws<ArgumentException>(() => kernel.Multiply(Reference.Random(2, 2, MatrixElementType.Mod61, 1), Reference.Random(2, 2, MatrixElementType.Mod61, 2)));
    }

    [Fact]
    public void Missing_library_is_reported_with_the_names_tried()
    {
        bool loaded = OpenBlasKernel.TryLoad(["libdefinitely-not-openblas.so.9", "/nonexistent/libopenblas.so"], out var kernel, out string reason);

        Assert.False(loaded);
        Assert.Null(kernel);
        Assert.Contains("libdefinitely-not-openblas.so.9", reason, StringComparison.Ordinal);
        Assert.Contains("/nonexistent/libopenblas.so", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_library_without_dgemm_is_not_accepted()
    {
        // libc loads everywhere on Linux but exports no cblas_dgemm.
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        Assert.False(OpenBlasKernel.TryLoad(["libc.so.6"], out _, out string reason));
        Assert.Contains("no cblas_dgemm", reason, StringComparison.Ordinal);
    }
}
