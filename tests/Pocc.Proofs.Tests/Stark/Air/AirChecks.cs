using Pocc.Proofs.Stark;
using Pocc.Proofs.Stark.Air;

namespace Pocc.Proofs.Tests.Stark.Air;

/// <summary>What every AIR must satisfy, checked against a trace the way the prover and verifier will rely on it.</summary>
internal static class AirChecks
{
    public static Goldilocks[] Row(Goldilocks[][] trace, int row) => [.. trace.Select(column => column[row])];

    public static Goldilocks[] PeriodicRow(IAir air, int row) => [.. air.PeriodicColumns.Select(values => values[row % values.Length])];

    /// <summary>Every transition constraint on every consecutive row pair and every boundary constraint that fails.</summary>
    public static List<string> Violations(IAir air, Goldilocks[][] trace)
    {
        var failures = new List<string>();
        var result = new Goldilocks[air.TransitionDegrees.Count];
        for (int r = 0; r + 1 < air.TraceLength; r++)
        {
            air.EvaluateTransition<Goldilocks>(Row(trace, r), Row(trace, r + 1), PeriodicRow(air, r), result);
            for (int j = 0; j < result.Length; j++)
            {
                if (!result[j].IsZero)
                {
                    failures.Add($"transition {j} at row {r}");
                }
            }
        }
        foreach (BoundaryConstraint b in air.BoundaryConstraints)
        {
            if (trace[b.Column][b.Row] != b.Value)
            {
                failures.Add($"boundary {b}");
            }
        }
        return failures;
    }

    /// <summary>
    /// The degree of each transition constraint composed with the trace polynomials, as the prover computes it: every
    /// column and periodic column extended to a coset, the constraints evaluated pointwise (the next row is ω·x, the
    /// point <c>blowup</c> positions on), then interpolated.
    /// </summary>
    public static int[] CompositionDegrees(IAir air, Goldilocks[][] trace)
    {
        int n = air.TraceLength;
        int blowup = Math.Max(2, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)air.TransitionDegrees.Max()));
        int size = n * blowup;
        Goldilocks shift = Goldilocks.Generator;
        Goldilocks[][] columns = [.. trace.Select(column => Ntt.CosetLowDegreeExtension(column, blowup, shift))];
        Goldilocks[][] periodic = [.. air.PeriodicColumns.Select(values => PeriodicColumn.Extend(values, n, blowup, shift))];
        int count = air.TransitionDegrees.Count;
        Goldilocks[][] evaluations = [.. Enumerable.Range(0, count).Select(_ => new Goldilocks[size])];
        var result = new Goldilocks[count];
        for (int i = 0; i < size; i++)
        {
            int next = (i + blowup) % size;
            air.EvaluateTransition<Goldilocks>(
                [.. columns.Select(c => c[i])], [.. columns.Select(c => c[next])], [.. periodic.Select(c => c[i])], result);
            for (int j = 0; j < count; j++)
            {
                evaluations[j][i] = result[j];
            }
        }
        // Values at shift·ω^i interpolate to q(X) = p(shift·X), which has the degree of p.
        return [.. evaluations.Select(values => Degree(Ntt.Interpolate(values)))];
    }

    private static int Degree(Goldilocks[] coefficients)
    {
        int d = coefficients.Length - 1;
        while (d >= 0 && coefficients[d].IsZero)
        {
            d--;
        }
        return d;
    }

    public static void AssertHonestTraceSatisfiesEveryConstraint(IAir air)
    {
        Goldilocks[][] trace = air.GenerateTrace();
        Assert.Equal(air.TraceWidth, trace.Length);
        Assert.All(trace, column => Assert.Equal(air.TraceLength, column.Length));
        Assert.Empty(Violations(air, trace));
    }

    public static void AssertEveryCellIsConstrained(IAir air, Random random)
    {
        Goldilocks[][] honest = air.GenerateTrace();
        for (int c = 0; c < air.TraceWidth; c++)
        {
            for (int r = 0; r < air.TraceLength; r++)
            {
                Goldilocks[][] trace = [.. honest.Select(column => (Goldilocks[])column.Clone())];
                trace[c][r] += Goldilocks.FromUInt64((ulong)random.NextInt64(1, long.MaxValue));
                Assert.True(Violations(air, trace).Count > 0, $"changing cell ({c}, {r}) broke no constraint");
            }
        }
    }

    public static void AssertDeclaredDegreesAreExact(IAir air)
    {
        int[] actual = CompositionDegrees(air, air.GenerateTrace());
        int[] declared = [.. air.TransitionDegrees.Select(d => d * (air.TraceLength - 1))];
        Assert.Equal(declared, actual);
    }

    public static void AssertExtensionEvaluationAgreesWithBase(IAir air, Random random)
    {
        int count = air.TransitionDegrees.Count;
        for (int trial = 0; trial < 50; trial++)
        {
            Goldilocks[] current = RandomElements(random, air.TraceWidth);
            Goldilocks[] next = RandomElements(random, air.TraceWidth);
            Goldilocks[] periodic = RandomElements(random, air.PeriodicColumns.Count);
            var baseResult = new Goldilocks[count];
            var extResult = new GoldilocksExt2[count];
            air.EvaluateTransition<Goldilocks>(current, next, periodic, baseResult);
            air.EvaluateTransition<GoldilocksExt2>(Embed(current), Embed(next), Embed(periodic), extResult);
            Assert.Equal(Embed(baseResult), extResult);
        }
    }

    public static Goldilocks[] RandomElements(Random random, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => Goldilocks.FromUInt64((ulong)random.NextInt64() * 3 + (ulong)random.Next()))];

    private static GoldilocksExt2[] Embed(Goldilocks[] values) => [.. values.Select(GoldilocksExt2.FromBase)];
}
