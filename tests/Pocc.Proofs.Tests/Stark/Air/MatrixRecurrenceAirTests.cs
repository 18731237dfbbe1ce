using Pocc.Proofs.Stark;
using Pocc.Proofs.Stark.Air;
using static Pocc.Proofs.Tests.Stark.Air.AirChecks;

namespace Pocc.Proofs.Tests.Stark.Air;

public class MatrixRecurrenceAirTests
{
    private const int D = MatrixRecurrenceAir.Dimension;

    private sealed record Instance(Goldilocks[] Matrix, Goldilocks[] Offset, Goldilocks[] Initial)
    {
        public static Instance Random(int seed)
        {
            var random = new Random(seed);
            return new(RandomElements(random, D * D), RandomElements(random, D), RandomElements(random, D));
        }

        public Goldilocks[] Compute(int steps) => MatrixRecurrenceAir.Compute(Matrix, Offset, Initial, steps);

        public MatrixRecurrenceAir Air(int steps, Goldilocks[] final) => new(Matrix, Offset, Initial, steps, final);

        public MatrixRecurrenceAir Honest(int steps) => Air(steps, Compute(steps));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(100)]
    public void The_honest_trace_satisfies_every_constraint(int steps) =>
        AssertHonestTraceSatisfiesEveryConstraint(Instance.Random(steps).Honest(steps));

    [Theory]
    [InlineData(3)]
    [InlineData(50)]
    public void Changing_any_single_cell_breaks_a_constraint(int steps) =>
        AssertEveryCellIsConstrained(Instance.Random(1).Honest(steps), new Random(steps));

    [Theory]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(63)]
    public void Native_compute_equals_the_trace_at_row_N_the_last_row_when_N_is_n_minus_1(int steps)
    {
        Instance instance = Instance.Random(steps);
        Goldilocks[][] trace = instance.Air(steps, new Goldilocks[D]).GenerateTrace();
        Assert.Equal(steps + 1, trace[0].Length);
        Assert.Equal(instance.Compute(steps), Row(trace, steps));
    }

    [Fact]
    public void Native_compute_matches_the_closed_form_for_the_identity_matrix()
    {
        Goldilocks one = Goldilocks.One;
        Goldilocks[] identity = new Goldilocks[D * D];
        for (int i = 0; i < D; i++)
        {
            identity[i * D + i] = one;
        }
        Goldilocks[] offset = [one, one + one, Goldilocks.Zero, Goldilocks.FromUInt64(5)];
        Goldilocks[] initial = [Goldilocks.FromUInt64(10), Goldilocks.Zero, one, Goldilocks.FromUInt64(3)];
        // With A = I, v_N = v_0 + N·b.
        Goldilocks n = Goldilocks.FromUInt64(1000);
        Assert.Equal(initial.Zip(offset, (v, b) => v + n * b), MatrixRecurrenceAir.Compute(identity, offset, initial, 1000));
    }

    [Fact]
    public void A_wrong_result_is_caught_by_a_boundary_constraint()
    {
        Instance instance = Instance.Random(9);
        Goldilocks[] final = instance.Compute(12);
        final[0] -= Goldilocks.One;
        MatrixRecurrenceAir air = instance.Air(12, final);
        Assert.Equal(["boundary " + air.BoundaryConstraints[D]], Violations(air, air.GenerateTrace()));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(40)]
    public void Declared_degrees_are_exactly_those_of_the_constraints_on_the_trace_LDE(int steps) =>
        AssertDeclaredDegreesAreExact(Instance.Random(4).Honest(steps));

    [Fact]
    public void Extension_field_evaluation_agrees_with_base_field_evaluation() =>
        AssertExtensionEvaluationAgreesWithBase(Instance.Random(2).Honest(9), new Random(3));

    [Fact]
    public void Extension_field_evaluation_is_the_constraint_polynomial_at_a_genuine_extension_point()
    {
        var random = new Random(4);
        GoldilocksExt2[] RandomExt(int count) =>
            [.. RandomElements(random, count).Zip(RandomElements(random, count), (a, b) => new GoldilocksExt2(a, b))];
        Instance instance = Instance.Random(2);
        GoldilocksExt2[] current = RandomExt(D), next = RandomExt(D);
        var result = new GoldilocksExt2[D];
        instance.Honest(9).EvaluateTransition<GoldilocksExt2>(current, next, [], result);
        for (int i = 0; i < D; i++)
        {
            GoldilocksExt2 expected = instance.Offset[i];
            for (int j = 0; j < D; j++)
            {
                expected += current[j] * instance.Matrix[i * D + j];
            }
            Assert.Equal(next[i] - expected, result[i]);
        }
    }

    [Fact]
    public void The_shape_and_public_input_encoding()
    {
        Instance instance = Instance.Random(6);
        MatrixRecurrenceAir air = instance.Honest(100);
        Assert.Equal(128, air.TraceLength);
        Assert.Empty(air.PeriodicColumns);
        byte[] encoding = air.EncodePublicInputs();
        Assert.Equal(8 + (D * D + 3 * D) * 8, encoding.Length);
        Assert.Equal(100UL, BitConverter.ToUInt64(encoding, 0));
        Assert.Equal(instance.Matrix[0].Value, BitConverter.ToUInt64(encoding, 8));
        Assert.NotEqual(encoding, instance.Honest(99).EncodePublicInputs());
        Assert.Throws<ArgumentOutOfRangeException>(() => instance.Air(0, new Goldilocks[D]));
        Assert.Throws<ArgumentException>(() => new MatrixRecurrenceAir(new Goldilocks[D], instance.Offset, instance.Initial, 1, new Goldilocks[D]));
    }
}
