using CsCheck;
using Pocc.Core.Matrices;
using Pocc.Proofs.Freivalds;

namespace Pocc.Proofs.Tests.Freivalds;

public class Float64VerificationTests
{
    private const double Tolerance = 1e-9;

    private static readonly Gen<(int M, int K, int N)> GenShape = Gen.Select(Gen.Int[1, 24], Gen.Int[1, 24], Gen.Int[1, 24]);

    [Fact]
    public void Accepts_honest_products_computed_in_a_different_order() =>
        Gen.Select(GenShape, Gen.Int, Gen.OneOf(Gen.Const(1.0), Gen.Const(1e-150), Gen.Const(1e150))).Sample((shape, seed, scale) =>
        {
            var (a, b, c) = Products.Float64(shape.M, shape.K, shape.N, seed, scale);
            var result = FreivaldsVerifier.VerifyFloat64(a, b, c, Products.Seed(seed), 2, Tolerance);
            Assert.True(result.Accepted, result.Reason);
            Assert.InRange(result.WorstResidualRatio!.Value, 0, 1);
        }, iter: 200);

    [Fact]
    public void Rejects_any_single_entry_off_by_more_than_the_tolerance() =>
        Gen.Select(GenShape, Gen.Int, Gen.Int.NonNegative, Gen.Double[1e-7, 1e3]).Sample((shape, seed, pick, size) =>
        {
            var (a, b, c) = Products.Float64(shape.M, shape.K, shape.N, seed);
            int index = pick % (shape.M * shape.N);
            // Operands lie in [-1, 1), so a row's bound tol·((|A||B|·1)_i + (|C|·1)_i) is at most 2e-9·k·n; an error of
            // at least 1e-7·k·n is far above it. With ±1 challenges a single wrong entry can never cancel: it shifts its
            // row of C·x by exactly ±delta, so every round catches it.
            double delta = (pick % 2 == 0 ? 1 : -1) * size * shape.K * shape.N;
            var wrong = Products.WithFloat64Entry(c, index, delta);

            var result = FreivaldsVerifier.VerifyFloat64(a, b, wrong, Products.Seed(seed), 1, Tolerance);

            Assert.False(result.Accepted);
            Assert.Equal(index / shape.N, result.FailedRow);
            Assert.True(result.WorstResidualRatio > 1);
        }, iter: 300);

    [Fact]
    public void Tolerance_is_the_threshold()
    {
        var (a, b, c) = Products.Float64(8, 8, 8, 1);
        // A single-entry error e shows up as ±e in its row of C·x; the row's bound is about 1e-9·(|A||B|·1)_i, between
        // 1e-10 and 1e-7 here.
        var slightlyOff = Products.WithFloat64Entry(c, 3, 1e-13);
        var clearlyOff = Products.WithFloat64Entry(c, 3, 1e-5);

        Assert.True(FreivaldsVerifier.VerifyFloat64(a, b, slightlyOff, Products.Seed(1), 2, Tolerance).Accepted);
        Assert.False(FreivaldsVerifier.VerifyFloat64(a, b, clearlyOff, Products.Seed(1), 2, Tolerance).Accepted);
        Assert.False(FreivaldsVerifier.VerifyFloat64(a, b, slightlyOff, Products.Seed(1), 2, 0, 0).Accepted);
    }

    [Fact]
    public void Rejects_non_finite_results()
    {
        var (a, b, c) = Products.Float64(4, 4, 4, 2);

        Assert.False(FreivaldsVerifier.VerifyFloat64(a, b, Products.WithFloat64Entry(c, 5, double.NaN), Products.Seed(1), 1, Tolerance).Accepted);
        Assert.False(FreivaldsVerifier.VerifyFloat64(a, b, Products.WithFloat64Entry(c, 5, double.PositiveInfinity), Products.Seed(1), 1, Tolerance).Accepted);
    }

    [Fact]
    public void Binary_challenges_work_for_float64_too()
    {
        var (a, b, c) = Products.Float64(7, 9, 11, 3);

        Assert.True(FreivaldsVerifier.VerifyFloat64(a, b, c, Products.Seed(1), 30, Tolerance, challenge: FreivaldsChallenge.Binary).Accepted);
        Assert.False(FreivaldsVerifier.VerifyFloat64(a, b, Products.WithFloat64Entry(c, 10, 1), Products.Seed(1), 30, Tolerance, challenge: FreivaldsChallenge.Binary).Accepted);
    }

    [Fact]
    public void States_the_soundness_error()
    {
        var (a, b, c) = Products.Float64(3, 3, 3, 4);

        var result = FreivaldsVerifier.VerifyFloat64(a, b, c, Products.Seed(1), 2, Tolerance);

        Assert.Equal(2, result.SoundnessBits);
        Assert.Equal(0.25, result.SoundnessError);
        Assert.Equal(FreivaldsChallenge.Sign, result.Challenge);
        Assert.Contains("missed with probability ≤ 2^-2", result.SoundnessStatement, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_bad_parameters()
    {
        var (a, b, c) = Products.Float64(2, 2, 2, 5);

        Assert.Throws<ArgumentOutOfRangeException>(() => FreivaldsVerifier.VerifyFloat64(a, b, c, Products.Seed(1), 2, double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => FreivaldsVerifier.VerifyFloat64(a, b, c, Products.Seed(1), 2, -1e-9));
        Assert.Throws<ArgumentException>(() => FreivaldsVerifier.VerifyFloat64(a, b, c, Products.Seed(1), 2, Tolerance, challenge: FreivaldsChallenge.UniformField));
        Assert.Throws<ArgumentException>(() => FreivaldsVerifier.VerifyFloat64(a, Matrix.Random(3, 2, MatrixElementType.Float64, Products.Seed(1)), c, Products.Seed(1), 2, Tolerance));
        Assert.False(FreivaldsVerifier.VerifyFloat64(a, b, Matrix.Random(2, 3, MatrixElementType.Float64, Products.Seed(1)), Products.Seed(1), 2, Tolerance).Accepted);
    }

    [Fact]
    public void Verify_dispatches_on_element_type_with_parameters()
    {
        var (fa, fb, fc) = Products.Float64(5, 6, 7, 6);
        var (ma, mb, mc) = Products.Mod61(5, 6, 7, 6);

        var f = FreivaldsVerifier.Verify(fa, fb, fc, Products.Seed(1), FreivaldsParameters.ForFloat64(3, Tolerance));
        var m = FreivaldsVerifier.Verify(ma, mb, mc, Products.Seed(1), new FreivaldsParameters(3));

        Assert.True(f.Accepted);
        Assert.Equal(FreivaldsChallenge.Sign, f.Challenge);
        Assert.True(m.Accepted);
        Assert.Equal(FreivaldsChallenge.UniformField, m.Challenge);
        Assert.Equal(183, m.SoundnessBits);
    }
}
