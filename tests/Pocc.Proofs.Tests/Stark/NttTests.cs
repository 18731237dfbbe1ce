using CsCheck;
using Pocc.Proofs.Stark;
using static Pocc.Proofs.Tests.Stark.FieldGen;

namespace Pocc.Proofs.Tests.Stark;

public class NttTests
{
    private static readonly Gen<Goldilocks[]> PowerOfTwoVector =
        Gen.Int[0, 8].SelectMany(log => Element.Array[1 << log]);

    // Horner's rule: the reference every transform is checked against.
    private static Goldilocks EvaluateNaive(ReadOnlySpan<Goldilocks> coefficients, Goldilocks x)
    {
        Goldilocks acc = Goldilocks.Zero;
        for (int i = coefficients.Length - 1; i >= 0; i--)
        {
            acc = acc * x + coefficients[i];
        }
        return acc;
    }

    private static Goldilocks[] RandomElements(int n, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => Goldilocks.FromUInt64((ulong)random.NextInt64() ^ ((ulong)random.Next() << 40))).ToArray();
    }

    [Fact]
    public void Forward_is_the_naive_DFT_for_small_sizes() =>
        PowerOfTwoVector.Sample(coefficients =>
        {
            int n = coefficients.Length;
            Goldilocks w = Goldilocks.RootOfUnity(int.Log2(n));
            var expected = Enumerable.Range(0, n).Select(i => EvaluateNaive(coefficients, w.Pow((ulong)i))).ToArray();
            Assert.Equal(expected, Ntt.Evaluate(coefficients));
        }, iter: 100);

    [Fact]
    public void Interpolate_inverts_Evaluate() =>
        PowerOfTwoVector.Sample(coefficients =>
        {
            Assert.Equal(coefficients, Ntt.Interpolate(Ntt.Evaluate(coefficients)));
            Assert.Equal(coefficients, Ntt.Evaluate(Ntt.Interpolate(coefficients)));
        }, iter: 100);

    [Fact]
    public void Matches_Horner_and_round_trips_across_the_block_size_the_fused_passes_and_the_parallel_threshold()
    {
        foreach (int log in new[] { 10, 11, 12, 13, 14, 15, 16, 17 })
        {
            Goldilocks[] coefficients = RandomElements(1 << log, log);
            Goldilocks[] values = Ntt.Evaluate(coefficients);
            // Spot-check a few points against Horner; the whole vector is checked through the round trip.
            Goldilocks w = Goldilocks.RootOfUnity(log);
            foreach (int i in new[] { 0, 1, 7, (1 << log) - 1 })
            {
                Assert.Equal(EvaluateNaive(coefficients, w.Pow((ulong)i)), values[i]);
            }
            Assert.Equal(coefficients, Ntt.Interpolate(values));
        }
    }

    [Fact]
    public void Parallel_path_gives_the_sequential_result_at_two_to_the_16()
    {
        Goldilocks[] input = RandomElements(1 << 16, 16);
        Goldilocks[] sequential = (Goldilocks[])input.Clone(), parallel = (Goldilocks[])input.Clone();

        Ntt.Forward(sequential, parallel: false);
        Ntt.Forward(parallel, parallel: true);
        Assert.Equal(sequential, parallel);

        Ntt.Inverse(sequential, parallel: false);
        Ntt.Inverse(parallel, parallel: true);
        Assert.Equal(sequential, parallel);
        Assert.Equal(input, parallel);
    }

    [Fact]
    public void Coset_low_degree_extension_matches_naive_evaluation_on_the_coset() =>
        Gen.Select(Gen.Int[0, 6], Gen.Int[0, 3], NonZero).SelectMany((log, blowupLog, shift) =>
            Element.Array[1 << log].Select(c => (c, 1 << blowupLog, shift))).Sample((coefficients, blowup, shift) =>
        {
            int n = coefficients.Length;
            Goldilocks[] extended = Ntt.CosetLowDegreeExtension(Ntt.Evaluate(coefficients), blowup, shift);

            Assert.Equal(n * blowup, extended.Length);
            Goldilocks w = Goldilocks.RootOfUnity(int.Log2(n * blowup));
            for (int i = 0; i < extended.Length; i++)
            {
                Assert.Equal(EvaluateNaive(coefficients, shift * w.Pow((ulong)i)), extended[i]);
            }
        }, iter: 100);

    [Fact]
    public void Low_degree_extension_of_a_large_trace_keeps_its_values_on_the_subgroup()
    {
        // With shift 1 the extended domain contains the original one: every blowup-th value is an original value.
        Goldilocks[] evaluations = RandomElements(1 << 12, 3);
        Goldilocks[] extended = Ntt.CosetLowDegreeExtension(evaluations, 8, Goldilocks.One);
        for (int i = 0; i < evaluations.Length; i++)
        {
            Assert.Equal(evaluations[i], extended[8 * i]);
        }
    }

    [Theory]
    [InlineData(1 << 12, 1 << 15)]
    [InlineData(3000, 1 << 15)]
    [InlineData(1 << 11, 1 << 14)]
    public void Evaluating_coset_by_coset_gives_the_single_large_transform(int count, int domainSize)
    {
        // Large enough for EvaluateOnCoset to split the domain into cosets of the coefficients' size.
        Goldilocks[] coefficients = RandomElements(count, count);
        Goldilocks shift = Goldilocks.FromUInt64(0x1234_5678_9abc_def0);
        var expected = new Goldilocks[domainSize];
        Goldilocks power = Goldilocks.One;
        for (int i = 0; i < count; i++)
        {
            expected[i] = coefficients[i] * power;
            power *= shift;
        }
        Ntt.Forward(expected, parallel: false);

        Assert.Equal(expected, Ntt.EvaluateOnCoset(coefficients, domainSize, shift));
    }

    [Fact]
    public void Rejects_lengths_that_are_not_powers_of_two()
    {
        Assert.Throws<ArgumentException>(() => Ntt.Forward(new Goldilocks[3]));
        Assert.Throws<ArgumentException>(() => Ntt.Inverse(Span<Goldilocks>.Empty));
        Assert.Throws<ArgumentOutOfRangeException>(() => Ntt.CosetLowDegreeExtension(new Goldilocks[4], 3, Goldilocks.One));
        Assert.Throws<ArgumentException>(() => Ntt.EvaluateOnCoset(new Goldilocks[8], 4, Goldilocks.One));
    }
}
