using System.Globalization;
using Pocc.Core.Hashing;
using Pocc.Core.Matrices;
using Pocc.Core.Numerics;

namespace Pocc.Proofs.Freivalds;

/// <summary>
/// Freivalds' check that C = A·B without recomputing the product: for k challenge vectors x derived from a seed the
/// worker could not predict, compare A·(B·x) with C·x. Cost O(k·(mk + kn + mn)) against O(mkn) for the product; the
/// k rounds share one pass over each matrix, so the matrices are read from memory once however large k is.
/// </summary>
/// <remarks>
/// <para>
/// Mod61 is exact. With uniform F_p challenges (the default) a wrong C passes one round with probability exactly 1/p:
/// some row d of A·B − C is nonzero, and d·x is then uniform on F_p. After k rounds the error is p^-k ≈ 2^-61k, so
/// two rounds already give 122 bits. The textbook {0,1} vectors (<see cref="FreivaldsChallenge.Binary"/>), where the
/// familiar "≤ 2^-k" comes from, only give 1/2 per round at exactly the same cost — uniform vectors are strictly
/// stronger, since the work per round is the same matrix-vector products whatever the entries are.
/// </para>
/// <para>
/// Float64 compares within the task's tolerance: round t accepts row i when
/// |(A(Bx))_i − (Cx)_i| ≤ tol·((|A|(|B||x|))_i + |(Cx)_i|) + abs, which covers the rounding of any honest dgemm and of
/// the check itself for tol far above k·2^-53. With ±1 challenges the bound is at most
/// T_i = tol·((|A||B|·1)_i + (|C|·1)_i) + abs for every draw, and an entry of C off by more than T_i flips the
/// residual by more than 2·T_i between the two signs of its x_j, so it is missed with probability ≤ 1/2 per round and
/// ≤ 2^-k overall. All Float64 sums use a fixed order (<see cref="ReproducibleDot"/>), so every validator computes the
/// same bits and reaches the same verdict, even for a result crafted to sit on the tolerance boundary.
/// </para>
/// </remarks>
public static class FreivaldsVerifier
{
    /// <summary>The most rounds one check may ask for (each costs three matrix-vector products).</summary>
    public const int MaxRounds = 256;

    /// <summary>The absolute slack added to every Float64 row bound, so an all-zero row compares as equal.</summary>
    public const double DefaultAbsoluteTolerance = 1e-300;

    // Rows per parallel work item, and the element count below which a pass runs on one thread.
    private const int RowsPerChunk = 16;
    private const long ParallelThreshold = 1 << 16;

    /// <summary>Checks C = A·B for matrices of either element type with <paramref name="parameters"/>.</summary>
    public static FreivaldsResult Verify(Matrix a, Matrix b, Matrix c, Hash32 seed, FreivaldsParameters parameters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(parameters);
        return a.ElementType == MatrixElementType.Mod61
            ? VerifyMod61(a, b, c, seed, parameters.Rounds, parameters.ChallengeFor(MatrixElementType.Mod61), cancellationToken)
            : VerifyFloat64(a, b, c, seed, parameters.Rounds, parameters.RelativeTolerance, parameters.AbsoluteTolerance, parameters.ChallengeFor(MatrixElementType.Float64), cancellationToken);
    }

    /// <summary>Exact check of C = A·B mod p with <paramref name="rounds"/> challenge vectors.</summary>
    public static FreivaldsResult VerifyMod61(
        Matrix a,
        Matrix b,
        Matrix c,
        Hash32 seed,
        int rounds,
        FreivaldsChallenge challenge = FreivaldsChallenge.UniformField,
        CancellationToken cancellationToken = default)
    {
        CheckOperands(a, b, MatrixElementType.Mod61, rounds);
        if (!Enum.IsDefined(challenge))
        {
            throw new ArgumentOutOfRangeException(nameof(challenge), challenge, "unknown challenge kind");
        }
        var (bits, error, statement) = Soundness(MatrixElementType.Mod61, challenge, rounds);
        if (ShapeMismatch(a, b, c) is { } mismatch)
        {
            return Rejected(rounds, null, null, mismatch, challenge, bits, error, statement);
        }

        int m = a.Rows, inner = a.Cols, n = b.Cols;
        var x = new ulong[rounds * n];
        for (int t = 0; t < rounds; t++)
        {
            FreivaldsChallenges.DeriveMod61(seed, challenge, t, x.AsSpan(t * n, n));
        }
        var y = new ulong[rounds * inner];
        var z = new ulong[rounds * m];
        var w = new ulong[rounds * m];
        RowPassMod61(b, x, y, rounds, cancellationToken);
        RowPassMod61(a, y, z, rounds, cancellationToken);
        RowPassMod61(c, x, w, rounds, cancellationToken);

        for (int t = 0; t < rounds; t++)
        {
            for (int i = 0; i < m; i++)
            {
                if (z[t * m + i] != w[t * m + i])
                {
                    string reason = string.Create(CultureInfo.InvariantCulture,
                        $"rejected: round {t}, row {i}: (A(Bx))_i = {z[t * m + i]} but (Cx)_i = {w[t * m + i]} (mod p); C ≠ A·B");
                    return Rejected(rounds, t, i, reason, challenge, bits, error, statement);
                }
            }
        }
        return new FreivaldsResult(true, rounds, null, null,
            $"accepted: {rounds} round{(rounds == 1 ? "" : "s")} of {Describe(challenge)} challenges matched exactly; {statement}",
            challenge, error, bits, statement);
    }

    /// <summary>
    /// Check of a Float64 C = A·B within the task's tolerance: round t accepts row i when
    /// |(A(Bx))_i − (Cx)_i| ≤ relativeTolerance·((|A|(|B||x|))_i + |(Cx)_i|) + absoluteTolerance.
    /// </summary>
    public static FreivaldsResult VerifyFloat64(
        Matrix a,
        Matrix b,
        Matrix c,
        Hash32 seed,
        int rounds,
        double relativeTolerance,
        double absoluteTolerance = DefaultAbsoluteTolerance,
        FreivaldsChallenge challenge = FreivaldsChallenge.Sign,
        CancellationToken cancellationToken = default)
    {
        CheckOperands(a, b, MatrixElementType.Float64, rounds);
        if (!(relativeTolerance >= 0 && double.IsFinite(relativeTolerance)))
        {
            throw new ArgumentOutOfRangeException(nameof(relativeTolerance), relativeTolerance, "the relative tolerance must be finite and non-negative");
        }
        if (!(absoluteTolerance >= 0 && double.IsFinite(absoluteTolerance)))
        {
            throw new ArgumentOutOfRangeException(nameof(absoluteTolerance), absoluteTolerance, "the absolute tolerance must be finite and non-negative");
        }
        if (challenge is not (FreivaldsChallenge.Sign or FreivaldsChallenge.Binary))
        {
            throw new ArgumentException($"{challenge} challenges are not defined for f64 matrices; use Sign or Binary", nameof(challenge));
        }
        var (bits, error, statement) = Soundness(MatrixElementType.Float64, challenge, rounds);
        if (ShapeMismatch(a, b, c) is { } mismatch)
        {
            return Rejected(rounds, null, null, mismatch, challenge, bits, error, statement);
        }

        int m = a.Rows, inner = a.Cols, n = b.Cols;
        var x = new double[rounds * n];
        for (int t = 0; t < rounds; t++)
        {
            FreivaldsChallenges.DeriveFloat64(seed, challenge, t, x.AsSpan(t * n, n));
        }
        // ±1 vectors all have |x| = 1, so the magnitude bound |A|(|B||x|) is the same for every round.
        int boundRounds = challenge == FreivaldsChallenge.Sign ? 1 : rounds;
        var y = new double[rounds * inner];
        var u = new double[boundRounds * inner];
        var z = new double[rounds * m];
        var v = new double[boundRounds * m];
        var w = new double[rounds * m];
        RowPassFloat64(b, x, y, rounds, x, u, boundRounds, cancellationToken);
        RowPassFloat64(a, y, z, rounds, u, v, boundRounds, cancellationToken);
        RowPassFloat64(c, x, w, rounds, null, null, 0, cancellationToken);

        double worst = 0;
        int? failedRound = null, failedRow = null;
        string? reason = null;
        for (int t = 0; t < rounds && failedRound is null; t++)
        {
            int bt = boundRounds == 1 ? 0 : t;
            for (int i = 0; i < m; i++)
            {
                double ab = z[t * m + i], cx = w[t * m + i];
                double diff = Math.Abs(ab - cx);
                double bound = relativeTolerance * (v[bt * m + i] + Math.Abs(cx)) + absoluteTolerance;
                // Written so that NaN anywhere rejects; an infinite bound (an infinite entry, or magnitudes that overflow
                // the check) would accept anything, so it rejects too.
                if (!(diff <= bound) || !double.IsFinite(bound))
                {
                    failedRound = t;
                    failedRow = i;
                    worst = double.IsFinite(bound) ? Math.Max(worst, diff / bound) : double.NaN;
                    reason = double.IsFinite(bound) && !double.IsNaN(diff)
                        ? string.Create(CultureInfo.InvariantCulture,
                            $"rejected: round {t}, row {i}: |(A(Bx))_i - (Cx)_i| = |{ab:R} - {cx:R}| = {diff:G6} exceeds the tolerance bound {bound:G6} (relative {relativeTolerance:G3})")
                        : string.Create(CultureInfo.InvariantCulture,
                            $"rejected: round {t}, row {i}: the check is not finite ((A(Bx))_i = {ab:R}, (Cx)_i = {cx:R}, bound {bound:R}); C has non-finite entries or the magnitudes overflow f64");
                    break;
                }
                worst = Math.Max(worst, bound > 0 ? diff / bound : 0);
            }
        }
        if (failedRound is not null)
        {
            return Rejected(rounds, failedRound, failedRow, reason!, challenge, bits, error, statement) with { WorstResidualRatio = worst };
        }
        return new FreivaldsResult(true, rounds, null, null,
            string.Create(CultureInfo.InvariantCulture,
                $"accepted: {rounds} round{(rounds == 1 ? "" : "s")} of {Describe(challenge)} challenges within relative tolerance {relativeTolerance:G3} (worst residual {worst:P1} of its bound); {statement}"),
            challenge, error, bits, statement, worst);
    }

    /// <summary>−log2 of the soundness error of <paramref name="rounds"/> rounds: 61·k for uniform F_p challenges, k otherwise.</summary>
    public static double SoundnessBits(MatrixElementType type, FreivaldsChallenge challenge, int rounds) => Soundness(type, challenge, rounds).Bits;

    private static (double Bits, double Error, string Statement) Soundness(MatrixElementType type, FreivaldsChallenge challenge, int rounds)
    {
        if (type == MatrixElementType.Mod61 && challenge == FreivaldsChallenge.UniformField)
        {
            // 1/p per round; log2(p) = 61 − 6.3e-19, which no double distinguishes from 61.
            double bits = rounds * Math.Log2(Mod61.P);
            return (bits, Math.Pow(Mod61.P, -rounds),
                string.Create(CultureInfo.InvariantCulture, $"a wrong product passes all {rounds} rounds with probability ≤ p^-{rounds} ≈ 2^-{bits:F0}"));
        }
        double error = Math.Pow(2, -rounds);
        if (type == MatrixElementType.Mod61)
        {
            return (rounds, error, string.Create(CultureInfo.InvariantCulture, $"a wrong product passes all {rounds} rounds with probability ≤ 2^-{rounds}"));
        }
        string scale = challenge == FreivaldsChallenge.Sign ? "above" : "above twice";
        return (rounds, error, string.Create(CultureInfo.InvariantCulture,
            $"an error {scale} the tolerance bound tol·((|A||B|·1)_i + (|C|·1)_i) + abs in any entry is missed with probability ≤ 2^-{rounds}"));
    }

    private static string Describe(FreivaldsChallenge challenge) => challenge switch
    {
        FreivaldsChallenge.UniformField => "uniform F_p",
        FreivaldsChallenge.Binary => "{0,1}",
        _ => "±1",
    };

    private static void CheckOperands(Matrix a, Matrix b, MatrixElementType expected, int rounds)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (rounds is < 1 or > MaxRounds)
        {
            throw new ArgumentOutOfRangeException(nameof(rounds), rounds, $"rounds must be between 1 and {MaxRounds}");
        }
        if (a.ElementType != expected || b.ElementType != expected)
        {
            throw new ArgumentException($"this check is for {Matrix.ElementTypeName(expected)} matrices, got A {a.Shape} and B {b.Shape}");
        }
        if (a.Cols != b.Rows)
        {
            throw new ArgumentException($"A ({a.Rows}×{a.Cols}) and B ({b.Rows}×{b.Cols}) cannot be multiplied: A has {a.Cols} columns but B has {b.Rows} rows");
        }
    }

    // A result of the wrong shape or type is a wrong result (the worker's fault), not a bad call.
    private static string? ShapeMismatch(Matrix a, Matrix b, Matrix c)
    {
        ArgumentNullException.ThrowIfNull(c);
        if (c.ElementType != a.ElementType || c.Rows != a.Rows || c.Cols != b.Cols)
        {
            return $"rejected: C is {c.Shape} but A·B is {a.Rows}×{b.Cols} {Matrix.ElementTypeName(a.ElementType)}";
        }
        return null;
    }

    private static FreivaldsResult Rejected(int rounds, int? round, int? row, string reason, FreivaldsChallenge challenge, double bits, double error, string statement) =>
        new(false, rounds, round, row, reason, challenge, error, bits, statement);

    // output[t·rows + r] = M[r,:]·x_t for every row r of M and every round t; one pass over M.
    private static void RowPassMod61(Matrix matrix, ulong[] x, ulong[] output, int rounds, CancellationToken cancellationToken)
    {
        int rows = matrix.Rows, cols = matrix.Cols;
        ForRowChunks(matrix, (start, end) =>
        {
            ReadOnlySpan<ulong> data = matrix.Mod61;
            for (int r = start; r < end; r++)
            {
                ReadOnlySpan<ulong> row = data.Slice(r * cols, cols);
                for (int t = 0; t < rounds; t++)
                {
                    output[t * rows + r] = Mod61.Dot(row, x.AsSpan(t * cols, cols));
                }
            }
        }, cancellationToken);
    }

    // output[t·rows + r] = M[r,:]·x_t and, for the bound, absOutput[t·rows + r] = |M[r,:]|·|absInput_t|.
    private static void RowPassFloat64(Matrix matrix, double[] x, double[] output, int rounds, double[]? absInput, double[]? absOutput, int absRounds, CancellationToken cancellationToken)
    {
        int rows = matrix.Rows, cols = matrix.Cols;
        ForRowChunks(matrix, (start, end) =>
        {
            ReadOnlySpan<double> data = matrix.Float64;
            for (int r = start; r < end; r++)
            {
                ReadOnlySpan<double> row = data.Slice(r * cols, cols);
                for (int t = 0; t < rounds; t++)
                {
                    output[t * rows + r] = ReproducibleDot.Dot(row, x.AsSpan(t * cols, cols));
                }
                for (int t = 0; t < absRounds; t++)
                {
                    absOutput![t * rows + r] = ReproducibleDot.AbsDot(row, absInput.AsSpan(t * cols, cols));
                }
            }
        }, cancellationToken);
    }

    private static void ForRowChunks(Matrix matrix, Action<int, int> body, CancellationToken cancellationToken)
    {
        int rows = matrix.Rows;
        if (matrix.ElementCount < ParallelThreshold)
        {
            cancellationToken.ThrowIfCancellationRequested();
            body(0, rows);
            return;
        }
        int chunks = (rows + RowsPerChunk - 1) / RowsPerChunk;
        var options = new ParallelOptions { CancellationToken = cancellationToken };
        Parallel.For(0, chunks, options, chunk =>
        {
            int start = chunk * RowsPerChunk;
            body(start, Math.Min(rows, start + RowsPerChunk));
        });
    }
}
