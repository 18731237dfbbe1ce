using Pocc.Proofs.Stark.Air;
using Pocc.Proofs.Stark.Fri;

namespace Pocc.Proofs.Stark;

/// <summary>
/// Proves that an AIR's trace exists: commits the trace's LDE, commits the composition polynomial that is a polynomial
/// only if every constraint holds, opens both at an out-of-domain point z, and proves with FRI that the DEEP quotients
/// of those openings have degree &lt; n.
/// </summary>
public static class StarkProver
{
    private const int Chunk = 1 << 10;

    /// <summary>The proof for <paramref name="air"/>'s honest trace; throws <see cref="ArgumentException"/> first if the parameters are too weak.</summary>
    public static StarkProof Prove(IAir air, StarkParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(air);
        ArgumentNullException.ThrowIfNull(parameters);
        parameters.Check(air);
        return Prove(air, parameters, air.GenerateTrace());
    }

    /// <summary>The proof for a given trace, honest or not: tests use it to check that a bad trace is rejected.</summary>
    internal static StarkProof Prove(IAir air, StarkParameters parameters, Goldilocks[][] trace)
    {
        int logLde = parameters.Check(air);
        int n = air.TraceLength;
        int width = air.TraceWidth;
        int blowup = parameters.Blowup;
        int k = parameters.FoldingFactor;
        int ldeSize = 1 << logLde;
        int rows = ldeSize / k;
        if (trace.Length != width || trace.Any(c => c.Length != n))
        {
            throw new ArgumentException($"the trace must be {width} columns of {n} rows", nameof(trace));
        }
        Goldilocks shift = StarkProtocol.Shift;

        Goldilocks[][] traceCoefficients = [.. trace.Select(c => Ntt.Interpolate(c))];
        Goldilocks[][] lde = [.. traceCoefficients.Select(c => Ntt.EvaluateOnCoset(c, ldeSize, shift))];
        RowCommitment traceCommitment = RowCommitment.Commit(Grouped(lde, k));
        Transcript transcript = StarkProtocol.Begin(air, parameters, traceCommitment.Root);
        GoldilocksExt2[] coefficients = StarkProtocol.DrawCompositionCoefficients(transcript, air);

        Goldilocks[] points = Points(ldeSize, shift);
        GoldilocksExt2[] composition = Composition(air, blowup, lde, points, coefficients);
        int columns = StarkParameters.CompositionColumns(air);
        (Goldilocks[][] c0, Goldilocks[][] c1) = Split(composition, n, columns, shift);
        GoldilocksExt2[][] compositionLde = [.. c0.Zip(c1, (a, b) => Combine(Ntt.EvaluateOnCoset(a, ldeSize, shift), Ntt.EvaluateOnCoset(b, ldeSize, shift)))];
        RowCommitment compositionCommitment = RowCommitment.Commit(Grouped(compositionLde, k));
        transcript.AbsorbRoot("stark.composition", compositionCommitment.Root);

        GoldilocksExt2 z = StarkProtocol.DrawOodPoint(transcript, n, ldeSize);
        GoldilocksExt2 zOmega = z * Goldilocks.RootOfUnity(int.Log2(n));
        GoldilocksExt2[] atZ = [.. traceCoefficients.Select(c => StarkProtocol.Evaluate(c, z))];
        GoldilocksExt2[] atZOmega = [.. traceCoefficients.Select(c => StarkProtocol.Evaluate(c, zOmega))];
        var u = new GoldilocksExt2(Goldilocks.Zero, Goldilocks.One);
        GoldilocksExt2[] compositionAtZ = [.. Enumerable.Range(0, columns).Select(h => StarkProtocol.Evaluate(c0[h], z) + u * StarkProtocol.Evaluate(c1[h], z))];
        StarkProtocol.AbsorbOod(transcript, atZ, atZOmega, compositionAtZ);
        GoldilocksExt2[] deepCoefficients = StarkProtocol.DrawDeepCoefficients(transcript, width, columns);

        GoldilocksExt2[] deep = Deep(lde, compositionLde, points, z, zOmega, atZ, atZOmega, compositionAtZ, deepCoefficients);
        FriProof fri = FriProver.Prove(parameters.Fri, deep, shift, transcript, out int[] positions);

        Goldilocks[][] traceRows = [.. positions.Select(j => Row(lde, k, rows, j))];
        GoldilocksExt2[][] compositionRows = [.. positions.Select(j => Row(compositionLde, k, rows, j))];
        return new StarkProof(
            parameters, traceCommitment.Root, compositionCommitment.Root, atZ, atZOmega, compositionAtZ,
            traceRows, traceCommitment.Open(positions), compositionRows, compositionCommitment.Open(positions), fri);
    }

    /// <summary>
    /// The commitment's columns for FRI's first-layer grouping: row j holds, for t &lt; k, every column's value at
    /// position j + t·N/k, so one opened row gives the verifier all it needs for one FRI row.
    /// </summary>
    private static T[][] Grouped<T>(T[][] columns, int k)
    {
        int rows = columns[0].Length / k;
        var grouped = new T[k * columns.Length][];
        for (int t = 0; t < k; t++)
        {
            for (int c = 0; c < columns.Length; c++)
            {
                grouped[t * columns.Length + c] = columns[c].AsSpan(t * rows, rows).ToArray();
            }
        }
        return grouped;
    }

    /// <summary>One row of <see cref="Grouped"/>, in the same order.</summary>
    private static T[] Row<T>(T[][] columns, int k, int rows, int j)
    {
        var row = new T[k * columns.Length];
        for (int t = 0; t < k; t++)
        {
            for (int c = 0; c < columns.Length; c++)
            {
                row[t * columns.Length + c] = columns[c][j + t * rows];
            }
        }
        return row;
    }

    private static Goldilocks[] Points(int size, Goldilocks shift)
    {
        var points = new Goldilocks[size];
        Goldilocks step = Goldilocks.RootOfUnity(int.Log2(size));
        Goldilocks x = shift;
        for (int i = 0; i < size; i++)
        {
            points[i] = x;
            x *= step;
        }
        return points;
    }

    /// <summary>
    /// C(x) = Σ α_j·T_j(x)·(x − ω^(n−1))/(x^n − 1) + Σ β_k·(P_col(x) − v_k)/(x − ω^row) on the LDE domain.
    /// </summary>
    private static GoldilocksExt2[] Composition(IAir air, int blowup, Goldilocks[][] lde, Goldilocks[] points, GoldilocksExt2[] coefficients)
    {
        int n = air.TraceLength;
        int size = points.Length;
        int width = air.TraceWidth;
        int constraints = air.TransitionDegrees.Count;
        Goldilocks omega = Goldilocks.RootOfUnity(int.Log2(n));
        Goldilocks lastRow = omega.Pow((ulong)(n - 1));
        Goldilocks[][] periodic = [.. air.PeriodicColumns.Select(p => PeriodicColumn.Extend(p, n, blowup, StarkProtocol.Shift))];

        // x^n on the coset takes only `blowup` values, shift^n·ω_blowup^i, so its divisor inverts in a small batch.
        var vanishing = new Goldilocks[blowup];
        for (int i = 0; i < blowup; i++)
        {
            vanishing[i] = points[i].Pow((ulong)n) - Goldilocks.One;
        }
        Goldilocks.BatchInverse(vanishing, vanishing);
        Dictionary<int, Goldilocks[]> rowInverses = [];
        foreach (int row in air.BoundaryConstraints.Select(b => b.Row).Distinct())
        {
            Goldilocks at = omega.Pow((ulong)row);
            var inverses = new Goldilocks[size];
            for (int i = 0; i < size; i++)
            {
                inverses[i] = points[i] - at;
            }
            Goldilocks.BatchInverse(inverses, inverses);
            rowInverses[row] = inverses;
        }

        var result = new GoldilocksExt2[size];
        Parallel.For(0, (size + Chunk - 1) / Chunk, chunk =>
        {
            Span<Goldilocks> current = stackalloc Goldilocks[width];
            Span<Goldilocks> next = stackalloc Goldilocks[width];
            Span<Goldilocks> periodicValues = stackalloc Goldilocks[periodic.Length];
            Span<Goldilocks> values = stackalloc Goldilocks[constraints];
            int end = Math.Min(size, (chunk + 1) * Chunk);
            for (int i = chunk * Chunk; i < end; i++)
            {
                int nextIndex = (i + blowup) & (size - 1);
                for (int c = 0; c < width; c++)
                {
                    current[c] = lde[c][i];
                    next[c] = lde[c][nextIndex];
                }
                for (int p = 0; p < periodic.Length; p++)
                {
                    periodicValues[p] = periodic[p][i];
                }
                air.EvaluateTransition<Goldilocks>(current, next, periodicValues, values);
                GoldilocksExt2 transitions = GoldilocksExt2.Zero;
                for (int j = 0; j < constraints; j++)
                {
                    transitions += coefficients[j] * values[j];
                }
                GoldilocksExt2 sum = transitions * ((points[i] - lastRow) * vanishing[i & (blowup - 1)]);
                for (int b = 0; b < air.BoundaryConstraints.Count; b++)
                {
                    BoundaryConstraint bc = air.BoundaryConstraints[b];
                    sum += coefficients[constraints + b] * ((lde[bc.Column][i] - bc.Value) * rowInverses[bc.Row][i]);
                }
                result[i] = sum;
            }
        });
        return result;
    }

    /// <summary>
    /// C's coefficients, from its values on the coset, cut into <paramref name="columns"/> polynomials H_h of degree
    /// &lt; n with C(x) = Σ x^(h·n)·H_h(x), as base-field coordinate pairs. A bad trace makes C of higher degree; the
    /// cut-off part is what makes the verifier's check at z fail.
    /// </summary>
    private static (Goldilocks[][] C0, Goldilocks[][] C1) Split(GoldilocksExt2[] values, int n, int columns, Goldilocks shift)
    {
        Goldilocks[] c0 = [.. values.Select(v => v.C0)];
        Goldilocks[] c1 = [.. values.Select(v => v.C1)];
        Ntt.Inverse(c0);
        Ntt.Inverse(c1);
        // The inverse NTT on the coset gives c_i·shift^i.
        Goldilocks shiftInverse = shift.Inverse();
        Goldilocks power = Goldilocks.One;
        int length = columns * n;
        for (int i = 0; i < length; i++)
        {
            c0[i] *= power;
            c1[i] *= power;
            power *= shiftInverse;
        }
        return ([.. Enumerable.Range(0, columns).Select(h => c0.AsSpan(h * n, n).ToArray())],
                [.. Enumerable.Range(0, columns).Select(h => c1.AsSpan(h * n, n).ToArray())]);
    }

    private static GoldilocksExt2[] Combine(Goldilocks[] c0, Goldilocks[] c1) => [.. c0.Zip(c1, (a, b) => new GoldilocksExt2(a, b))];

    /// <summary>
    /// The DEEP polynomial Σ γ_c·(P_c(x) − P_c(z))/(x − z) + γ'_c·(P_c(x) − P_c(zω))/(x − zω) + Σ δ_h·(H_h(x) − H_h(z))/(x − z),
    /// of degree &lt; n exactly when the openings at z and zω are true.
    /// </summary>
    private static GoldilocksExt2[] Deep(
        Goldilocks[][] lde, GoldilocksExt2[][] compositionLde, Goldilocks[] points, GoldilocksExt2 z, GoldilocksExt2 zOmega,
        GoldilocksExt2[] atZ, GoldilocksExt2[] atZOmega, GoldilocksExt2[] compositionAtZ, GoldilocksExt2[] coefficients)
    {
        int size = points.Length;
        int width = lde.Length;
        GoldilocksExt2[] inverseZ = InverseDifferences(points, z);
        GoldilocksExt2[] inverseZOmega = InverseDifferences(points, zOmega);
        GoldilocksExt2 constantZ = GoldilocksExt2.Zero;
        GoldilocksExt2 constantZOmega = GoldilocksExt2.Zero;
        for (int c = 0; c < width; c++)
        {
            constantZ += coefficients[c] * atZ[c];
            constantZOmega += coefficients[width + c] * atZOmega[c];
        }
        for (int h = 0; h < compositionLde.Length; h++)
        {
            constantZ += coefficients[2 * width + h] * compositionAtZ[h];
        }
        var result = new GoldilocksExt2[size];
        Parallel.For(0, (size + Chunk - 1) / Chunk, chunk =>
        {
            int end = Math.Min(size, (chunk + 1) * Chunk);
            for (int i = chunk * Chunk; i < end; i++)
            {
                GoldilocksExt2 sumZ = GoldilocksExt2.Zero;
                GoldilocksExt2 sumZOmega = GoldilocksExt2.Zero;
                for (int c = 0; c < width; c++)
                {
                    sumZ += coefficients[c] * lde[c][i];
                    sumZOmega += coefficients[width + c] * lde[c][i];
                }
                for (int h = 0; h < compositionLde.Length; h++)
                {
                    sumZ += coefficients[2 * width + h] * compositionLde[h][i];
                }
                result[i] = (sumZ - constantZ) * inverseZ[i] + (sumZOmega - constantZOmega) * inverseZOmega[i];
            }
        });
        return result;
    }

    /// <summary>
    /// 1/(x_i − z) for base x_i and extension z: the conjugate over the norm, so one base-field batch inversion serves.
    /// </summary>
    private static GoldilocksExt2[] InverseDifferences(Goldilocks[] points, GoldilocksExt2 z)
    {
        var norms = new Goldilocks[points.Length];
        for (int i = 0; i < points.Length; i++)
        {
            norms[i] = new GoldilocksExt2(points[i] - z.C0, -z.C1).Norm();
        }
        Goldilocks.BatchInverse(norms, norms);
        var result = new GoldilocksExt2[points.Length];
        for (int i = 0; i < points.Length; i++)
        {
            result[i] = new GoldilocksExt2(points[i] - z.C0, z.C1) * norms[i];
        }
        return result;
    }
}
