using Pocc.Proofs.Stark.Air;
using Pocc.Proofs.Stark.Fri;

namespace Pocc.Proofs.Stark;

/// <summary>
/// How a STARK is built and checked: the trace's blowup onto the LDE coset, and the FRI folding factor, query count
/// and grinding bits of the low-degree test on that coset.
/// </summary>
public sealed record StarkParameters
{
    /// <summary>No proof is made or accepted below this conjectured security.</summary>
    public const int MinimumSecurityBits = 80;

    /// <summary>FRI stops folding at this degree and sends the rest in the clear: 8 coefficients cost less than a layer.</summary>
    public const int RemainderDegree = 7;

    /// <summary>The security a task may ask for at least: the target, above the protocol floor.</summary>
    public const int DefaultSecurityBits = 96;

    /// <summary>Blowup, folding factor and grinding of <see cref="ForSecurity"/>: blowup 8 fits constraints up to degree 9.</summary>
    public const int StandardBlowup = 8;
    public const int StandardFoldingFactor = 4;
    public const int StandardGrindingBits = 16;

    public StarkParameters(int blowup, int foldingFactor, int queries, int grindingBits)
    {
        Fri = new FriParameters(blowup, foldingFactor, queries, grindingBits, RemainderDegree);
    }

    public FriParameters Fri { get; }

    /// <summary>
    /// The standard parameters with the fewest queries that reach <paramref name="bits"/> of conjectured security:
    /// each query at blowup 8 adds 3 bits to the grinding's 16. Whether a given trace length can reach them (the field
    /// term caps security at 127 − log2 of the LDE size) is <see cref="ConjecturedSecurityBits"/>'s answer.
    /// </summary>
    public static StarkParameters ForSecurity(int bits)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bits, MinimumSecurityBits);
        int logBlowup = int.Log2(StandardBlowup);
        int queries = Math.Max(1, (bits - StandardGrindingBits + logBlowup - 1) / logBlowup);
        return new StarkParameters(StandardBlowup, StandardFoldingFactor, queries, StandardGrindingBits);
    }

    /// <summary>
    /// The most security the standard parameters can give a trace of 2^<paramref name="logTraceLength"/> rows: the
    /// field term of the conjecture, 127 − log2 of the LDE size.
    /// </summary>
    public static int MaxStandardSecurityBits(int logTraceLength) =>
        FriParameters.FieldSecurityBits(logTraceLength + int.Log2(StandardBlowup));

    public int Blowup => Fri.Blowup;

    public int FoldingFactor => Fri.FoldingFactor;

    public int Queries => Fri.Queries;

    public int GrindingBits => Fri.GrindingBits;

    /// <summary>The conjectured security of a proof for a trace of <paramref name="traceLength"/> rows: FRI's on the LDE domain.</summary>
    public int ConjecturedSecurityBits(int traceLength) => Fri.ConjecturedSecurityBits(LogLdeSize(traceLength));

    /// <summary>
    /// The number of composition columns of degree &lt; n: a transition of degree d·(n − 1) over a divisor of degree
    /// n − 1 leaves a quotient of degree &lt; (d − 1)·n, and boundary quotients have degree &lt; n.
    /// </summary>
    public static int CompositionColumns(IAir air)
    {
        ArgumentNullException.ThrowIfNull(air);
        return Math.Max(1, air.TransitionDegrees.DefaultIfEmpty(1).Max() - 1);
    }

    /// <summary>
    /// log2 of the LDE size for <paramref name="air"/>; throws <see cref="ArgumentException"/> if the AIR does not fit
    /// these parameters or the proof would fall below <see cref="MinimumSecurityBits"/>, before any proving work.
    /// </summary>
    public int Check(IAir air)
    {
        ArgumentNullException.ThrowIfNull(air);
        int n = air.TraceLength;
        if (n < 2 || !int.IsPow2(n) || air.TraceWidth < 1)
        {
            throw new ArgumentException($"a trace needs a power-of-two length ≥ 2 and a column, got {air.TraceWidth}×{n}", nameof(air));
        }
        if (air.TransitionDegrees.Any(d => d < 1))
        {
            throw new ArgumentException("transition degrees must be positive", nameof(air));
        }
        // The composition polynomial, of degree < columns·n, must be determined by its values on the LDE domain.
        if (CompositionColumns(air) > Blowup)
        {
            throw new ArgumentException($"constraints of degree {CompositionColumns(air) + 1} need a blowup of at least {CompositionColumns(air)}", nameof(air));
        }
        int logLde = LogLdeSize(n);
        int bits = Fri.ConjecturedSecurityBits(logLde);
        if (bits < MinimumSecurityBits)
        {
            throw new ArgumentException($"these parameters give {bits} bits of conjectured security, below the minimum of {MinimumSecurityBits}", nameof(air));
        }
        return logLde;
    }

    private int LogLdeSize(int traceLength) => int.Log2(traceLength) + Fri.LogBlowup;
}
