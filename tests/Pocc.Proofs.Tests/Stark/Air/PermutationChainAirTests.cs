using System.Numerics;
using Pocc.Proofs.Stark;
using Pocc.Proofs.Stark.Air;
using static Pocc.Proofs.Tests.Stark.Air.AirChecks;

namespace Pocc.Proofs.Tests.Stark.Air;

public class PermutationChainAirTests
{
    private static PermutationChainAir Honest(int steps, int seed)
    {
        Goldilocks[] input = RandomElements(new Random(seed), PermutationChainAir.Width);
        return new PermutationChainAir(input, steps, PermutationChainAir.Compute(input, steps));
    }

    [Fact]
    public void X_to_the_7_is_a_permutation_of_Goldilocks()
    {
        // gcd(7, p − 1) = 1, so 7 has an inverse e modulo p − 1 and (x^7)^e = x^(1 + k(p−1)) = x for every x.
        BigInteger order = Goldilocks.P - 1;
        Assert.Equal(BigInteger.One, BigInteger.GreatestCommonDivisor(7, order));
        var e = (ulong)BigInteger.ModPow(7, Totient(order) - 1, order);
        Assert.Equal(1UL, (ulong)(new BigInteger(7) * e % order));
        foreach (Goldilocks x in RandomElements(new Random(7), 200).Append(Goldilocks.Zero).Append(Goldilocks.One))
        {
            Assert.Equal(x, x.Pow(7).Pow(e));
        }
    }

    // φ(p − 1) for p − 1 = 2^32 · 3 · 5 · 17 · 257 · 65537, so 7^(φ − 1) is 7's inverse modulo p − 1 (Euler).
    private static ulong Totient(BigInteger order)
    {
        Assert.Equal(order, (BigInteger.One << 32) * 3 * 5 * 17 * 257 * 65537);
        return (1UL << 31) * 2 * 4 * 16 * 256 * 65536;
    }

    [Fact]
    public void The_matrix_is_MDS_every_square_submatrix_is_nonsingular()
    {
        int w = PermutationChainAir.Width;
        for (int size = 1; size <= w; size++)
        {
            foreach (int[] rows in Subsets(w, size))
            {
                foreach (int[] cols in Subsets(w, size))
                {
                    Goldilocks[,] sub = new Goldilocks[size, size];
                    for (int i = 0; i < size; i++)
                    {
                        for (int j = 0; j < size; j++)
                        {
                            sub[i, j] = PermutationChainAir.Mds[rows[i] * w + cols[j]];
                        }
                    }
                    Assert.False(Determinant(sub, size).IsZero, $"rows {string.Join(',', rows)} cols {string.Join(',', cols)}");
                }
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(100)]
    public void The_honest_trace_satisfies_every_constraint(int steps) => AssertHonestTraceSatisfiesEveryConstraint(Honest(steps, steps));

    [Theory]
    [InlineData(7)]
    [InlineData(20)]
    public void Changing_any_single_cell_breaks_a_constraint(int steps) => AssertEveryCellIsConstrained(Honest(steps, 1), new Random(steps));

    [Theory]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(100)]
    public void Native_compute_equals_the_trace_at_row_N(int steps)
    {
        Goldilocks[] input = RandomElements(new Random(steps), PermutationChainAir.Width);
        var air = new PermutationChainAir(input, steps, new Goldilocks[PermutationChainAir.Width]);
        Assert.Equal(PermutationChainAir.Compute(input, steps), Row(air.GenerateTrace(), steps));
    }

    [Fact]
    public void Native_compute_equals_the_last_row_when_N_is_n_minus_1()
    {
        Goldilocks[] input = RandomElements(new Random(3), PermutationChainAir.Width);
        var air = new PermutationChainAir(input, 31, new Goldilocks[PermutationChainAir.Width]);
        Assert.Equal(32, air.TraceLength);
        Assert.Equal(PermutationChainAir.Compute(input, 31), Row(air.GenerateTrace(), 31));
    }

    [Fact]
    public void A_wrong_final_state_is_caught_by_a_boundary_constraint()
    {
        Goldilocks[] input = RandomElements(new Random(5), PermutationChainAir.Width);
        Goldilocks[] final = PermutationChainAir.Compute(input, 10);
        final[2] += Goldilocks.One;
        var air = new PermutationChainAir(input, 10, final);
        Assert.Equal(["boundary " + air.BoundaryConstraints[6]], Violations(air, air.GenerateTrace()));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(31)]
    public void Declared_degrees_are_exactly_those_of_the_constraints_on_the_trace_LDE(int steps) =>
        AssertDeclaredDegreesAreExact(Honest(steps, 11));

    [Fact]
    public void Extension_field_evaluation_agrees_with_base_field_evaluation() =>
        AssertExtensionEvaluationAgreesWithBase(Honest(9, 2), new Random(3));

    [Fact]
    public void Extension_field_evaluation_is_the_constraint_polynomial_at_a_genuine_extension_point()
    {
        var random = new Random(4);
        GoldilocksExt2[] RandomExt(int count) =>
            [.. RandomElements(random, count).Zip(RandomElements(random, count), (a, b) => new GoldilocksExt2(a, b))];
        GoldilocksExt2[] current = RandomExt(4), next = RandomExt(4), periodic = RandomExt(4);
        var result = new GoldilocksExt2[4];
        Honest(9, 2).EvaluateTransition<GoldilocksExt2>(current, next, periodic, result);
        for (int i = 0; i < 4; i++)
        {
            GoldilocksExt2 expected = periodic[i];
            for (int j = 0; j < 4; j++)
            {
                expected += current[j].Pow(7) * PermutationChainAir.Mds[i * 4 + j];
            }
            Assert.Equal(next[i] - expected, result[i]);
        }
    }

    [Fact]
    public void The_shape_and_public_input_encoding()
    {
        PermutationChainAir air = Honest(100, 6);
        Assert.Equal(128, air.TraceLength);
        Assert.Equal(8, Honest(1, 6).TraceLength);
        Assert.All(air.PeriodicColumns, column => Assert.Equal(PermutationChainAir.RoundPeriod, column.Length));
        byte[] encoding = air.EncodePublicInputs();
        Assert.Equal(8 + 8 * 8, encoding.Length);
        Assert.Equal(100UL, BitConverter.ToUInt64(encoding, 0));
        Assert.NotEqual(encoding, Honest(100, 7).EncodePublicInputs());
        Assert.Throws<ArgumentOutOfRangeException>(() => new PermutationChainAir(new Goldilocks[4], 0, new Goldilocks[4]));
        Assert.Throws<ArgumentException>(() => new PermutationChainAir(new Goldilocks[3], 1, new Goldilocks[4]));
    }

    private static IEnumerable<int[]> Subsets(int n, int size) =>
        Enumerable.Range(0, 1 << n).Where(m => BitOperations.PopCount((uint)m) == size)
            .Select(m => Enumerable.Range(0, n).Where(i => (m >> i & 1) != 0).ToArray());

    // Laplace expansion along the first row: fine for matrices of size ≤ 4.
    private static Goldilocks Determinant(Goldilocks[,] m, int size)
    {
        if (size == 1)
        {
            return m[0, 0];
        }
        Goldilocks det = Goldilocks.Zero;
        for (int c = 0; c < size; c++)
        {
            var minor = new Goldilocks[size - 1, size - 1];
            for (int i = 1; i < size; i++)
            {
                for (int j = 0, k = 0; j < size; j++)
                {
                    if (j != c)
                    {
                        minor[i - 1, k++] = m[i, j];
                    }
                }
            }
            Goldilocks term = m[0, c] * Determinant(minor, size - 1);
            det = c % 2 == 0 ? det + term : det - term;
        }
        return det;
    }
}
