namespace Pocc.Proofs.Stark.Air;

/// <summary>
/// A periodic column's polynomial: k values repeating down a trace of n rows are the evaluations on ⟨ω_n⟩ of
/// P(x) = q(x^(n/k)), where q interpolates the values on ⟨ω_k⟩. Both sides evaluate P through the small q.
/// </summary>
public static class PeriodicColumn
{
    /// <summary>P at <paramref name="point"/>, for the verifier's out-of-domain check: q at point^(n/k), by Horner.</summary>
    public static GoldilocksExt2 EvaluateAt(ReadOnlySpan<Goldilocks> values, int traceLength, GoldilocksExt2 point)
    {
        GoldilocksExt2 x = point.Pow((ulong)Repetitions(values.Length, traceLength));
        Goldilocks[] coefficients = Ntt.Interpolate(values);
        GoldilocksExt2 acc = GoldilocksExt2.Zero;
        for (int i = coefficients.Length - 1; i >= 0; i--)
        {
            acc = acc * x + coefficients[i];
        }
        return acc;
    }

    /// <summary>
    /// P on the prover's LDE domain shift·⟨ω_{n·blowup}⟩, value i at shift·ω_{n·blowup}^i, as
    /// <see cref="Ntt.CosetLowDegreeExtension"/> gives for a trace column.
    /// </summary>
    /// <remarks>
    /// (shift·ω_{n·blowup}^i)^(n/k) = shift^(n/k)·ω_{k·blowup}^i, so P on the large coset is q on a coset k·blowup long,
    /// repeated n/k times: an NTT of k·blowup points instead of n·blowup.
    /// </remarks>
    public static Goldilocks[] Extend(ReadOnlySpan<Goldilocks> values, int traceLength, int blowup, Goldilocks shift)
    {
        int repetitions = Repetitions(values.Length, traceLength);
        Goldilocks[] cycle = Cycle(values, traceLength, blowup, shift);
        var result = new Goldilocks[(long)traceLength * blowup];
        for (int r = 0; r < repetitions; r++)
        {
            cycle.CopyTo(result, r * cycle.Length);
        }
        return result;
    }

    /// <summary>
    /// One period of <see cref="Extend"/>'s values, k·blowup long: value i of the extension is value i mod k·blowup of
    /// this, so the prover reads it without materialising the whole domain.
    /// </summary>
    internal static Goldilocks[] Cycle(ReadOnlySpan<Goldilocks> values, int traceLength, int blowup, Goldilocks shift) =>
        Ntt.CosetLowDegreeExtension(values, blowup, shift.Pow((ulong)Repetitions(values.Length, traceLength)));

    private static int Repetitions(int period, int traceLength)
    {
        if (period < 1 || !int.IsPow2(period) || traceLength % period != 0)
        {
            throw new ArgumentException($"a periodic column of {period} values does not divide a trace of {traceLength} rows", nameof(period));
        }
        return traceLength / period;
    }
}
