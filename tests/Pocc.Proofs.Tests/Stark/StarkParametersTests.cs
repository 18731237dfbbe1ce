using Pocc.Proofs.Stark;

namespace Pocc.Proofs.Tests.Stark;

public class StarkParametersTests
{
    [Theory]
    [InlineData(80, 16)]
    [InlineData(96, 10)]
    [InlineData(96, 20)]
    [InlineData(100, 16)]
    public void ForSecurity_reaches_the_target_with_the_fewest_queries(int bits, int logTraceLength)
    {
        StarkParameters parameters = StarkParameters.ForSecurity(bits);
        int logLde = logTraceLength + parameters.Fri.LogBlowup;
        Assert.True(parameters.ConjecturedSecurityBits(1 << logTraceLength) >= bits);
        var oneFewer = new StarkParameters(parameters.Blowup, parameters.FoldingFactor, parameters.Queries - 1, parameters.GrindingBits);
        Assert.True(oneFewer.Fri.ConjecturedSecurityBits(logLde) < bits);
    }

    [Fact]
    public void The_field_term_caps_what_any_query_count_reaches()
    {
        // 2^20 rows at blowup 8: an LDE of 2^23 points leaves 127 − 23 = 104 bits.
        Assert.Equal(104, StarkParameters.MaxStandardSecurityBits(20));
        Assert.Equal(104, StarkParameters.ForSecurity(120).ConjecturedSecurityBits(1 << 20));
        Assert.Throws<ArgumentOutOfRangeException>(() => StarkParameters.ForSecurity(StarkParameters.MinimumSecurityBits - 1));
    }
}
