using Pocc.Compute.Matmul;
using Pocc.Core.Matrices;

namespace Pocc.Compute.Tests.Matmul;

public class MatmulBenchmarkTests
{
    [Theory]
    [InlineData(MatrixElementType.Float64, "f64")]
    [InlineData(MatrixElementType.Mod61, "mod61")]
    public void Reports_rates_verification_and_hashing(MatrixElementType type, string dtype)
    {
        var result = MatmulBenchmark.Run(48, type, repetitions: 1);

        Assert.Equal(48, result.N);
        Assert.Equal(dtype, result.Dtype);
        Assert.True(result.ExecutorGflops > 0);
        Assert.True(result.VerifyAccepted);
        Assert.Equal(2, result.VerifyRounds);
        Assert.Equal(14 + 48 * 48 * 8, result.BytesHashed);
        Assert.Equal(result.OpenBlasGflops is not null, result.RatioToOpenBlas is not null);
        Assert.Equal(type == MatrixElementType.Float64, result.ManagedGflops is not null);
        Assert.Equal(type == MatrixElementType.Mod61 ? 122 : 2, result.SoundnessBits);
    }
}
