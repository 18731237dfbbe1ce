namespace Pocc.Proofs.Stark.Fri;

/// <summary>
/// How a FRI proof is built and checked: blowup ρ⁻¹ of the evaluation domain over the degree bound, how many values
/// fold into one per round, how many positions are queried, the proof-of-work bits, and the largest degree the
/// prover may send in the clear as the remainder polynomial.
/// </summary>
/// <remarks>
/// The domain size N = 2^logDomainSize is not a parameter: one parameter set serves statements of any size, and each
/// method that depends on N takes it. The degree bound is d = N / blowup.
/// </remarks>
public sealed record FriParameters
{
    public const int MaxBlowup = 1 << 8;
    public const int MaxQueries = 255;
    public const int MaxGrindingBits = 32;
    public const int MaxRemainderDegreeLimit = (1 << 12) - 1;

    /// <summary>The largest log2 of a domain: a RowCommitment's limit.</summary>
    public const int MaxLogDomainSize = RowCommitment.MaxLogRows;

    public FriParameters(int blowup, int foldingFactor, int queries, int grindingBits, int maxRemainderDegree)
    {
        if (blowup < 2 || blowup > MaxBlowup || !int.IsPow2(blowup))
        {
            throw new ArgumentOutOfRangeException(nameof(blowup), blowup, $"the blowup must be a power of two in [2, {MaxBlowup}]");
        }
        if (foldingFactor is not (2 or 4 or 8))
        {
            throw new ArgumentOutOfRangeException(nameof(foldingFactor), foldingFactor, "the folding factor must be 2, 4 or 8");
        }
        if (queries < 1 || queries > MaxQueries)
        {
            throw new ArgumentOutOfRangeException(nameof(queries), queries, $"the query count must be in [1, {MaxQueries}]");
        }
        if (grindingBits < 0 || grindingBits > MaxGrindingBits)
        {
            throw new ArgumentOutOfRangeException(nameof(grindingBits), grindingBits, $"grinding bits must be in [0, {MaxGrindingBits}]");
        }
        if (maxRemainderDegree < 0 || maxRemainderDegree > MaxRemainderDegreeLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(maxRemainderDegree), maxRemainderDegree, $"the remainder degree must be in [0, {MaxRemainderDegreeLimit}]");
        }
        Blowup = blowup;
        FoldingFactor = foldingFactor;
        Queries = queries;
        GrindingBits = grindingBits;
        MaxRemainderDegree = maxRemainderDegree;
    }

    public int Blowup { get; }

    public int FoldingFactor { get; }

    public int Queries { get; }

    public int GrindingBits { get; }

    public int MaxRemainderDegree { get; }

    public int LogBlowup => int.Log2(Blowup);

    public int LogFoldingFactor => int.Log2(FoldingFactor);

    /// <summary>Throws unless a domain of 2^<paramref name="logDomainSize"/> points can carry a proof with these parameters.</summary>
    public void CheckDomain(int logDomainSize)
    {
        if (logDomainSize < LogBlowup + LogFoldingFactor || logDomainSize > MaxLogDomainSize)
        {
            throw new ArgumentOutOfRangeException(nameof(logDomainSize), logDomainSize,
                $"the domain must have 2^{LogBlowup + LogFoldingFactor}..2^{MaxLogDomainSize} points for blowup {Blowup} and folding factor {FoldingFactor}");
        }
        // Every committed layer needs at least one row of k values.
        if (logDomainSize - LogFoldingFactor * Folds(logDomainSize) < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(logDomainSize), logDomainSize,
                $"a domain of 2^{logDomainSize} points is too small to fold down to degree {MaxRemainderDegree} by {FoldingFactor}");
        }
        // Queries pick distinct rows of the first layer, which has N / k rows.
        if (Queries > 1 << (logDomainSize - LogFoldingFactor))
        {
            throw new ArgumentOutOfRangeException(nameof(logDomainSize), logDomainSize,
                $"{Queries} queries need at least as many rows in the first layer (2^{logDomainSize - LogFoldingFactor})");
        }
    }

    /// <summary>The degree bound d = N / blowup: the input must be a polynomial of degree &lt; d.</summary>
    public int DegreeBound(int logDomainSize) => 1 << (logDomainSize - LogBlowup);

    /// <summary>
    /// The number of committed layers r: the fewest folds (at least one) after which the degree bound ⌈d / k^r⌉ is at
    /// most <see cref="MaxRemainderDegree"/> + 1.
    /// </summary>
    public int LayerCount(int logDomainSize)
    {
        CheckDomain(logDomainSize);
        return Folds(logDomainSize);
    }

    /// <summary>The number of remainder coefficients, ⌈d / k^r⌉: the degree bound after the last fold.</summary>
    public int RemainderLength(int logDomainSize) =>
        Math.Max(1, DegreeBound(logDomainSize) >> (LogFoldingFactor * LayerCount(logDomainSize)));

    private int Folds(int logDomainSize)
    {
        int layers = 0;
        long bound = DegreeBound(logDomainSize);
        // At least one fold, so every proof has a layer to query and a domain the remainder is checked on.
        while (layers == 0 || bound > MaxRemainderDegree + 1)
        {
            bound = Math.Max(1, bound / FoldingFactor);
            layers++;
        }
        return layers;
    }

    /// <summary>
    /// The conjectured security in bits for a domain of 2^<paramref name="logDomainSize"/> points:
    /// min(queries · log2(blowup) + grinding bits, log2|F_p²| − log2 N).
    /// </summary>
    /// <remarks>
    /// The first term is the ethSTARK conjecture that each query of a function far from every low-degree polynomial
    /// passes with probability at most ρ = 1/blowup, and that grinding multiplies a cheater's cost per retry by
    /// 2^bits. The second bounds the chance that a folding challenge drawn from the ~2^128-element extension lands on
    /// one of the O(N) values that let a far function fold to a close one.
    /// </remarks>
    public int ConjecturedSecurityBits(int logDomainSize)
    {
        CheckDomain(logDomainSize);
        return Math.Min(Queries * LogBlowup + GrindingBits, FieldSecurityBits(logDomainSize));
    }

    /// <summary>The conjecture's second term, log2|F_p²| − log2 N, which no query count or grinding raises.</summary>
    public static int FieldSecurityBits(int logDomainSize) => (int)Math.Floor(2 * Math.Log2(Goldilocks.P)) - logDomainSize;
}
