using Pocc.Compute.Matmul;
using Pocc.Core.Matrices;

namespace Pocc.Compute.Tests.Matmul;

public class MatmulExecutorTests
{
    [Fact]
    public void Falls_back_to_the_managed_kernel_and_says_why()
    {
        var executor = MatmulExecutor.Create(["libno-such-blas.so.0"], preferManaged: false, maxDegreeOfParallelism: 0);

        Assert.False(executor.UsesOpenBlas);
        Assert.IsType<ManagedFloat64Kernel>(executor.Float64Kernel);
        Assert.StartsWith("OpenBLAS not found (could not load libno-such-blas.so.0); using the managed SIMD kernel managed-", executor.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Uses_OpenBLAS_when_it_loads()
    {
        var executor = MatmulExecutor.CreateDefault();

        Assert.Equal(OpenBlasKernel.TryCreate(out _, out _), executor.UsesOpenBlas);
        Assert.Contains("mod61: exact mod61-", executor.Description, StringComparison.Ordinal);
        if (executor.UsesOpenBlas)
        {
            Assert.StartsWith("f64: ", executor.Description, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Managed_can_be_requested()
    {
        var executor = MatmulExecutor.CreateDefault(preferManaged: true);

        Assert.False(executor.UsesOpenBlas);
        Assert.Contains("managed kernel requested", executor.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Dispatches_on_element_type()
    {
        var executor = MatmulExecutor.CreateDefault();
        var fa = Reference.Random(4, 6, MatrixElementType.Float64, 1);
        var fb = Reference.Random(6, 3, MatrixElementType.Float64, 2);
        var ma = Reference.Random(4, 6, MatrixElementType.Mod61, 1);
        var mb = Reference.Random(6, 3, MatrixElementType.Mod61, 2);

        Reference.AssertClose(fa, fb, executor.Multiply(fa, fb));
        Assert.Equal(Reference.Mod61(ma, mb), executor.Multiply(ma, mb).Mod61.ToArray());
        Assert.Throws<ArgumentException>(() => executor.Multiply(fa, mb));
    }
}
