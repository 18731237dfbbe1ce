using CsCheck;
using Pocc.Core.Matrices;
using Pocc.Core.Numerics;
using Pocc.Proofs.Freivalds;

namespace Pocc.Proofs.Tests.Freivalds;

public class Mod61VerificationTests
{
    private static readonly Gen<(int M, int K, int N)> GenShape = Gen.Select(Gen.Int[1, 20], Gen.Int[1, 20], Gen.Int[1, 20]);

    [Fact]
    public void Accepts_correct_products_for_many_seeds_and_shapes() =>
        Gen.Select(GenShape, Gen.Int).Sample((shape, seed) =>
        {
            var (a, b, c) = Products.Mod61(shape.M, shape.K, shape.N, seed);
            var result = FreivaldsVerifier.VerifyMod61(a, b, c, Products.Seed(seed), rounds: 2);
            Assert.True(result.Accepted, result.Reason);
            Assert.Null(result.FailedRound);
        }, iter: 200);

    [Fact]
    public void Rejects_any_single_corrupted_entry() =>
        Gen.Select(GenShape, Gen.Int, Gen.Int.NonNegative, Gen.ULong[1, Mod61.P - 1]).Sample((shape, seed, pick, delta) =>
        {
            var (a, b, c) = Products.Mod61(shape.M, shape.K, shape.N, seed);
            int index = pick % (shape.M * shape.N);
            var wrong = Products.WithMod61Entry(c, index, delta);

            var result = FreivaldsVerifier.VerifyMod61(a, b, wrong, Products.Seed(seed ^ 0x5eed), rounds: 1);

            Assert.False(result.Accepted);
            Assert.Equal(0, result.FailedRound);
            Assert.Equal(index / shape.N, result.FailedRow);
        }, iter: 300);

    [Fact]
    public void Rejects_a_result_wrong_everywhere_by_one()
    {
        var (a, b, c) = Products.Mod61(16, 16, 16, 1);
        var wrong = Matrix.FromMod61(16, 16, c.Mod61.ToArray().Select(v => Mod61.Add(v, 1)).ToArray());

        Assert.False(FreivaldsVerifier.VerifyMod61(a, b, wrong, Products.Seed(2), rounds: 2).Accepted);
    }

    [Fact]
    public void Uniform_challenges_catch_what_binary_ones_miss()
    {
        // A single wrong entry in column j escapes a {0,1} round exactly when x_j = 0: about half the seeds.
        var (a, b, c) = Products.Mod61(6, 5, 7, 3);
        var wrong = Products.WithMod61Entry(c, 9, 12345);
        int binaryMisses = 0, uniformMisses = 0;

        for (int seed = 0; seed < 200; seed++)
        {
            binaryMisses += FreivaldsVerifier.VerifyMod61(a, b, wrong, Products.Seed(seed), 1, FreivaldsChallenge.Binary).Accepted ? 1 : 0;
            uniformMisses += FreivaldsVerifier.VerifyMod61(a, b, wrong, Products.Seed(seed), 1, FreivaldsChallenge.UniformField).Accepted ? 1 : 0;
        }

        Assert.InRange(binaryMisses, 60, 140);
        Assert.Equal(0, uniformMisses);
    }

    [Theory]
    [InlineData(FreivaldsChallenge.Binary)]
    [InlineData(FreivaldsChallenge.Sign)]
    public void Weaker_challenges_still_accept_honest_and_reject_wrong_results_over_many_rounds(FreivaldsChallenge challenge)
    {
        var (a, b, c) = Products.Mod61(9, 11, 13, 4);

        Assert.True(FreivaldsVerifier.VerifyMod61(a, b, c, Products.Seed(1), 40, challenge).Accepted);
        Assert.False(FreivaldsVerifier.VerifyMod61(a, b, Products.WithMod61Entry(c, 50, 7), Products.Seed(1), 40, challenge).Accepted);
    }

    [Fact]
    public void States_the_soundness_error()
    {
        var (a, b, c) = Products.Mod61(3, 3, 3, 5);

        var uniform = FreivaldsVerifier.VerifyMod61(a, b, c, Products.Seed(1), 2);
        var binary = FreivaldsVerifier.VerifyMod61(a, b, c, Products.Seed(1), 2, FreivaldsChallenge.Binary);

        Assert.Equal(122, uniform.SoundnessBits);
        Assert.Equal(Math.Pow(2, -122), uniform.SoundnessError, 1e-50);
        Assert.Contains("p^-2", uniform.SoundnessStatement, StringComparison.Ordinal);
        Assert.Equal(FreivaldsChallenge.UniformField, uniform.Challenge);
        Assert.Equal(2, binary.SoundnessBits);
        Assert.Equal(0.25, binary.SoundnessError);
        Assert.StartsWith("accepted", uniform.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_a_result_of_the_wrong_shape_or_type()
    {
        var (a, b, _) = Products.Mod61(3, 4, 5, 6);

        var wrongShape = FreivaldsVerifier.VerifyMod61(a, b, Matrix.Random(5, 3, MatrixElementType.Mod61, Products.Seed(1)), Products.Seed(1), 2);
        var wrongType = FreivaldsVerifier.VerifyMod61(a, b, Matrix.Random(3, 5, MatrixElementType.Float64, Products.Seed(1)), Products.Seed(1), 2);

        Assert.False(wrongShape.Accepted);
        Assert.Equal("rejected: C is 5×3 mod61 but A·B is 3×5 mod61", wrongShape.Reason);
        Assert.False(wrongType.Accepted);
        Assert.Null(wrongType.FailedRound);
    }

    [Fact]
    public void Refuses_operands_that_cannot_be_multiplied()
    {
        var a = Matrix.Random(3, 4, MatrixElementType.Mod61, Products.Seed(1));
        var b = Matrix.Random(5, 2, MatrixElementType.Mod61, Products.Seed(2));
        var c = Matrix.Random(3, 2, MatrixElementType.Mod61, Products.Seed(3));

        var error = Assert.Throws<ArgumentException>(() => FreivaldsVerifier.VerifyMod61(a, b, c, Products.Seed(4), 2));

        Assert.Contains("A has 4 columns but B has 5 rows", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => FreivaldsVerifier.VerifyMod61(Matrix.Random(3, 4, MatrixElementType.Float64, Products.Seed(1)), b, c, Products.Seed(4), 2));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(FreivaldsVerifier.MaxRounds + 1)]
    public void Refuses_a_round_count_out_of_range(int rounds)
    {
        var (a, b, c) = Products.Mod61(2, 2, 2, 7);

        Assert.Throws<ArgumentOutOfRangeException>(() => FreivaldsVerifier.VerifyMod61(a, b, c, Products.Seed(1), rounds));
    }

    [Fact]
    public void Checks_large_products_with_parallel_passes()
    {
        // 300×300 crosses the single-thread threshold; C = A·I = A is known without a reference product.
        var a = Matrix.Random(300, 300, MatrixElementType.Mod61, Products.Seed(8));
        var identity = new ulong[300 * 300];
        for (int i = 0; i < 300; i++)
        {
            identity[i * 301] = 1;
        }
        var b = Matrix.FromMod61(300, 300, identity);

        Assert.True(FreivaldsVerifier.VerifyMod61(a, b, a, Products.Seed(9), 3).Accepted);
        var wrong = Products.WithMod61Entry(a, 300 * 299 + 299, 1);
        var result = FreivaldsVerifier.VerifyMod61(a, b, wrong, Products.Seed(9), 3);
        Assert.False(result.Accepted);
        Assert.Equal(299, result.FailedRow);
    }
}
