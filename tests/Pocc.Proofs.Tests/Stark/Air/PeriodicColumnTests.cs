using Pocc.Proofs.Stark;
using Pocc.Proofs.Stark.Air;
using static Pocc.Proofs.Tests.Stark.Air.AirChecks;

namespace Pocc.Proofs.Tests.Stark.Air;

public class PeriodicColumnTests
{
    [Theory]
    [InlineData(1, 8, 2)]
    [InlineData(4, 16, 4)]
    [InlineData(8, 8, 8)]
    [InlineData(8, 64, 2)]
    public void Extend_is_the_LDE_of_the_column_repeated_down_the_trace(int period, int n, int blowup)
    {
        Goldilocks[] values = RandomElements(new Random(period * n), period);
        Goldilocks[] repeated = [.. Enumerable.Range(0, n).Select(r => values[r % period])];
        Goldilocks shift = Goldilocks.Generator;
        Assert.Equal(Ntt.CosetLowDegreeExtension(repeated, blowup, shift), PeriodicColumn.Extend(values, n, blowup, shift));
    }

    [Fact]
    public void EvaluateAt_gives_the_column_on_the_trace_domain_and_agrees_with_Extend_on_the_coset()
    {
        const int period = 8, n = 32, blowup = 4;
        Goldilocks[] values = RandomElements(new Random(1), period);
        for (int r = 0; r < n; r++)
        {
            GoldilocksExt2 point = Goldilocks.RootOfUnity(5).Pow((ulong)r);
            Assert.Equal(GoldilocksExt2.FromBase(values[r % period]), PeriodicColumn.EvaluateAt(values, n, point));
        }
        Goldilocks shift = Goldilocks.Generator;
        Goldilocks[] extended = PeriodicColumn.Extend(values, n, blowup, shift);
        for (int i = 0; i < n * blowup; i += 7)
        {
            GoldilocksExt2 point = shift * Goldilocks.RootOfUnity(7).Pow((ulong)i);
            Assert.Equal(GoldilocksExt2.FromBase(extended[i]), PeriodicColumn.EvaluateAt(values, n, point));
        }
    }

    [Fact]
    public void A_period_that_does_not_divide_the_trace_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => PeriodicColumn.Extend(new Goldilocks[16], 8, 2, Goldilocks.Generator));
        Assert.Throws<ArgumentException>(() => PeriodicColumn.EvaluateAt(new Goldilocks[3], 12, GoldilocksExt2.One));
    }
}
