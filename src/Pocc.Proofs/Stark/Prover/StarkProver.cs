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

    // Large enough that a batch inversion's one field inversion and a task's scheduling are noise per chunk.
    private const int ParallelChunk = 1 << 14;

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
        Goldilocks[][] lde = LowDegreeExtension(traceCoefficients, ldeSize, shift);
        RowCommitment traceCommitment = RowCommitment.CommitGrouped(lde, k);
        Transcript transcript = StarkProtocol.Begin(air, parameters, traceCommitment.Root);
        GoldilocksExt2[] coefficients = StarkProtocol.DrawCompositionCoefficients(transcript, air);

        Goldilocks[] points = Points(ldeSize, shift);
        GoldilocksExt2[] composition = Composition(air, blowup, lde, points, coefficients);
        int columns = StarkParameters.CompositionColumns(air);
        (Goldilocks[][] c0, Goldilocks[][] c1) = Split(composition, n, columns, shift);
        GoldilocksExt2[][] compositionLde = LowDegreeExtension(c0, c1, ldeSize, shift);
        RowCommitment compositionCommitment = RowCommitment.CommitGrouped(compositionLde, k);
        transcript.AbsorbRoot("stark.composition", compositionCommitment.Root);

        GoldilocksExt2 z = StarkProtocol.DrawOodPoint(transcript, n, ldeSize);
        GoldilocksExt2 zOmega = z * Goldilocks.RootOfUnity(int.Log2(n));
        (GoldilocksExt2[] atZ, GoldilocksExt2[] atZOmega, GoldilocksExt2[] compositionAtZ) = OutOfDomain(traceCoefficients, c0, c1, z, zOmega);
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

    /// <summary>One row of <see cref="RowCommitment.CommitGrouped(IReadOnlyList{Goldilocks[]}, int)"/>'s layout: every column's value at j + t·rows.</summary>
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
        ForChunks(size, (start, end) =>
        {
            Goldilocks x = shift * step.Pow((ulong)start);
            for (int i = start; i < end; i++)
            {
                points[i] = x;
                x *= step;
            }
        });
        return points;
    }

    /// <summary>
    /// The trace columns at z and z·ω and the composition columns at z, each a long Horner evaluation: one task per
    /// polynomial rather than one core for all of them.
    /// </summary>
    private static (GoldilocksExt2[] AtZ, GoldilocksExt2[] AtZOmega, GoldilocksExt2[] CompositionAtZ) OutOfDomain(
        Goldilocks[][] traceCoefficients, Goldilocks[][] c0, Goldilocks[][] c1, GoldilocksExt2 z, GoldilocksExt2 zOmega)
    {
        int width = traceCoefficients.Length;
        int columns = c0.Length;
        var atZ = new GoldilocksExt2[width];
        var atZOmega = new GoldilocksExt2[width];
        var c0AtZ = new GoldilocksExt2[columns];
        var c1AtZ = new GoldilocksExt2[columns];
        Parallel.For(0, 2 * width + 2 * columns, task =>
        {
            if (task < 2 * width)
            {
                int c = task % width;
                (task < width ? atZ : atZOmega)[c] = StarkProtocol.Evaluate(traceCoefficients[c], task < width ? z : zOmega);
            }
            else
            {
                int h = (task - 2 * width) % columns;
                (task < 2 * width + columns ? c0AtZ : c1AtZ)[h] = StarkProtocol.Evaluate((task < 2 * width + columns ? c0 : c1)[h], z);
            }
        });
        // H_h(z) = C0_h(z) + u·C1_h(z), u the extension's generator.
        var u = new GoldilocksExt2(Goldilocks.Zero, Goldilocks.One);
        var compositionAtZ = new GoldilocksExt2[columns];
        for (int h = 0; h < columns; h++)
        {
            compositionAtZ[h] = c0AtZ[h] + u * c1AtZ[h];
        }
        return (atZ, atZOmega, compositionAtZ);
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
        // A periodic column repeats on the LDE with period k·blowup (a power of two), so one cycle of each serves.
        Goldilocks[][] periodic = [.. air.PeriodicColumns.Select(p => PeriodicColumn.Cycle(p, n, blowup, StarkProtocol.Shift))];
        GoldilocksExt2[] transitionCoefficients = coefficients[..constraints];

        // x^n on the coset takes only `blowup` values, shift^n·ω_blowup^i, so its divisor inverts in a small batch.
        var vanishing = new Goldilocks[blowup];
        for (int i = 0; i < blowup; i++)
        {
            vanishing[i] = points[i].Pow((ulong)n) - Goldilocks.One;
        }
        Goldilocks.BatchInverse(vanishing, vanishing);

        // Boundary terms share a divisor per row: Σ_b β_b·(P_b(x) − v_b)/(x − ω^row) = (Σ_b β_b·P_b(x) − Σ_b β_b·v_b)/(x − ω^row),
        // one division per distinct row instead of one per assertion. Field arithmetic is exact, so the sum is the same.
        BoundaryRow[] boundaryRows =
        [
            .. air.BoundaryConstraints.Select((bc, b) => (bc, b)).GroupBy(pair => pair.bc.Row).Select(group =>
            {
                GoldilocksExt2 constant = GoldilocksExt2.Zero;
                foreach (var (bc, b) in group)
                {
                    constant += coefficients[constraints + b] * bc.Value;
                }
                return new BoundaryRow(
                    [.. group.Select(pair => pair.bc.Column)],
                    [.. group.Select(pair => coefficients[constraints + pair.b])],
                    constant,
                    InverseDifferences(points, omega.Pow((ulong)group.Key)));
            }),
        ];

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
                    Goldilocks[] cycle = periodic[p];
                    periodicValues[p] = cycle[i & (cycle.Length - 1)];
                }
                air.EvaluateTransition<Goldilocks>(current, next, periodicValues, values);
                GoldilocksExt2 transitions = GoldilocksExt2.Zero;
                for (int j = 0; j < values.Length; j++)
                {
                    transitions += transitionCoefficients[j] * values[j];
                }
                GoldilocksExt2 sum = transitions * ((points[i] - lastRow) * vanishing[i & (blowup - 1)]);
                foreach (BoundaryRow row in boundaryRows)
                {
                    GoldilocksExt2 combined = GoldilocksExt2.Zero;
                    for (int b = 0; b < row.Columns.Length; b++)
                    {
                        combined += row.Coefficients[b] * lde[row.Columns[b]][i];
                    }
                    sum += (combined - row.Constant) * row.Inverses[i];
                }
                result[i] = sum;
            }
        });
        return result;
    }

    /// <summary>The boundary assertions on one row: their columns and coefficients, Σ β_b·v_b, and 1/(x − ω^row) on the LDE domain.</summary>
    private sealed record BoundaryRow(int[] Columns, GoldilocksExt2[] Coefficients, GoldilocksExt2 Constant, Goldilocks[] Inverses);

    /// <summary>
    /// C's coefficients, from its values on the coset, cut into <paramref name="columns"/> polynomials H_h of degree
    /// &lt; n with C(x) = Σ x^(h·n)·H_h(x), as base-field coordinate pairs. A bad trace makes C of higher degree; the
    /// cut-off part is what makes the verifier's check at z fail.
    /// </summary>
    private static (Goldilocks[][] C0, Goldilocks[][] C1) Split(GoldilocksExt2[] values, int n, int columns, Goldilocks shift)
    {
        var c0 = new Goldilocks[values.Length];
        var c1 = new Goldilocks[values.Length];
        ForChunks(values.Length, (start, end) =>
        {
            for (int i = start; i < end; i++)
            {
                c0[i] = values[i].C0;
                c1[i] = values[i].C1;
            }
        });
        Ntt.Inverse(c0);
        Ntt.Inverse(c1);
        // The inverse NTT on the coset gives c_i·shift^i: column h takes coefficients [h·n, (h + 1)·n) times shift^−i.
        Goldilocks shiftInverse = shift.Inverse();
        int logN = int.Log2(n);
        var h0 = new Goldilocks[columns][];
        var h1 = new Goldilocks[columns][];
        for (int h = 0; h < columns; h++)
        {
            h0[h] = new Goldilocks[n];
            h1[h] = new Goldilocks[n];
        }
        ForChunks(columns * n, (start, end) =>
        {
            Goldilocks power = shiftInverse.Pow((ulong)start);
            for (int i = start; i < end; i++)
            {
                h0[i >> logN][i & (n - 1)] = c0[i] * power;
                h1[i >> logN][i & (n - 1)] = c1[i] * power;
                power *= shiftInverse;
            }
        });
        return (h0, h1);
    }

    /// <summary>The columns' values on the LDE coset, from their coefficients.</summary>
    private static Goldilocks[][] LowDegreeExtension(Goldilocks[][] coefficients, int ldeSize, Goldilocks shift)
    {
        Goldilocks[][] lde = [.. coefficients.Select(_ => new Goldilocks[ldeSize])];
        Ntt.EvaluateOnCosets([.. coefficients.Select(c => new[] { c })], ldeSize, shift, (column, n, values) => Ntt.Interleave(values[0], n, lde[column]));
        return lde;
    }

    /// <summary>The extension-field columns c0[h] + u·c1[h] on the LDE coset, from their coordinates' coefficients.</summary>
    private static GoldilocksExt2[][] LowDegreeExtension(Goldilocks[][] c0, Goldilocks[][] c1, int ldeSize, Goldilocks shift)
    {
        GoldilocksExt2[][] lde = [.. c0.Select(_ => new GoldilocksExt2[ldeSize])];
        Ntt.EvaluateOnCosets([.. c0.Zip(c1, (a, b) => new[] { a, b })], ldeSize, shift, (h, n, values) =>
        {
            // Ntt.Interleave for both coordinates at once.
            GoldilocksExt2[] column = lde[h];
            Goldilocks[] first = values[0], second = values[1];
            int cosets = ldeSize / n;
            for (int m0 = 0; m0 < n; m0 += Ntt.InterleaveTile)
            {
                int mEnd = Math.Min(n, m0 + Ntt.InterleaveTile);
                for (int r = 0; r < cosets; r++)
                {
                    for (int m = m0, source = r * n + m0; m < mEnd; m++, source++)
                    {
                        column[m * cosets + r] = new GoldilocksExt2(first[source], second[source]);
                    }
                }
            }
        });
        return lde;
    }

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
        // 1/(x − z) and 1/(x − zω) are made chunk by chunk next to their use rather than as two arrays of the domain's size.
        Parallel.For(0, (size + Chunk - 1) / Chunk, () => (new GoldilocksExt2[Chunk], new GoldilocksExt2[Chunk], new Goldilocks[2 * Chunk]), (chunk, _, scratch) =>
        {
            (GoldilocksExt2[] inverseZ, GoldilocksExt2[] inverseZOmega, Goldilocks[] norms) = scratch;
            int start = chunk * Chunk;
            int end = Math.Min(size, start + Chunk);
            int count = end - start;
            InverseDifferences(points.AsSpan(start, count), z, zOmega, inverseZ, inverseZOmega, norms.AsSpan(0, 2 * count));
            for (int i = start; i < end; i++)
            {
                GoldilocksExt2 sumZ = GoldilocksExt2.Zero;
                GoldilocksExt2 sumZOmega = GoldilocksExt2.Zero;
                for (int c = 0; c < width; c++)
                {
                    Goldilocks value = lde[c][i];
                    sumZ += coefficients[c] * value;
                    sumZOmega += coefficients[width + c] * value;
                }
                for (int h = 0; h < compositionLde.Length; h++)
                {
                    sumZ += coefficients[2 * width + h] * compositionLde[h][i];
                }
                result[i] = (sumZ - constantZ) * inverseZ[i - start] + (sumZOmega - constantZOmega) * inverseZOmega[i - start];
            }
            return scratch;
        }, _ => { });
        return result;
    }

    /// <summary>
    /// 1/(x_i − z) and 1/(x_i − zω) for base x_i and extension z, zω: each is the conjugate over the norm, so one
    /// base-field batch inversion serves both.
    /// </summary>
    private static void InverseDifferences(
        ReadOnlySpan<Goldilocks> points, GoldilocksExt2 z, GoldilocksExt2 zOmega, Span<GoldilocksExt2> inverseZ, Span<GoldilocksExt2> inverseZOmega, Span<Goldilocks> norms)
    {
        int count = points.Length;
        for (int i = 0; i < count; i++)
        {
            norms[i] = new GoldilocksExt2(points[i] - z.C0, -z.C1).Norm();
            norms[count + i] = new GoldilocksExt2(points[i] - zOmega.C0, -zOmega.C1).Norm();
        }
        Goldilocks.BatchInverse(norms, norms);
        for (int i = 0; i < count; i++)
        {
            inverseZ[i] = new GoldilocksExt2(points[i] - z.C0, z.C1) * norms[i];
            inverseZOmega[i] = new GoldilocksExt2(points[i] - zOmega.C0, zOmega.C1) * norms[count + i];
        }
    }

    /// <summary>1/(x_i − a) for base x_i and a, in batches of a chunk each.</summary>
    private static Goldilocks[] InverseDifferences(Goldilocks[] points, Goldilocks a)
    {
        var result = new Goldilocks[points.Length];
        ForChunks(points.Length, (start, end) =>
        {
            for (int i = start; i < end; i++)
            {
                result[i] = points[i] - a;
            }
            Goldilocks.BatchInverse(result.AsSpan(start, end - start), result.AsSpan(start, end - start));
        });
        return result;
    }

    // Chunks of ParallelChunk items on the thread pool, each [start, end): loops whose items are independent, or whose
    // running value (a power, a batch inversion) restarts cheaply at the chunk's start.
    private static void ForChunks(int count, Action<int, int> body)
    {
        if (count <= ParallelChunk)
        {
            body(0, count);
            return;
        }
        Parallel.For(0, (count + ParallelChunk - 1) / ParallelChunk, chunk =>
            body(chunk * ParallelChunk, Math.Min(count, (chunk + 1) * ParallelChunk)));
    }
}
