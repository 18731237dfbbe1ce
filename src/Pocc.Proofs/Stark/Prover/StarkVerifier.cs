using Pocc.Core.Encoding;
using Pocc.Proofs.Stark.Air;
using Pocc.Proofs.Stark.Fri;

namespace Pocc.Proofs.Stark;

/// <summary>
/// Checks a <see cref="StarkProof"/>: replays the transcript, checks that the constraints at z agree with the committed
/// composition columns, runs FRI on the DEEP polynomial, and checks FRI's first layer against the DEEP values
/// recomputed from the opened trace and composition rows.
/// </summary>
public static class StarkVerifier
{
    /// <summary>
    /// Throws <see cref="StarkRejectedException"/> unless <paramref name="encoded"/> decodes to a valid proof of
    /// <paramref name="air"/>'s statement with at least <paramref name="minimumSecurityBits"/> of conjectured security.
    /// The header's parameters are judged first, so a weak or malformed proof costs no hashing.
    /// </summary>
    public static void Verify(IAir air, ReadOnlySpan<byte> encoded, int minimumSecurityBits = StarkParameters.MinimumSecurityBits)
    {
        ArgumentNullException.ThrowIfNull(air);
        StarkProof proof;
        try
        {
            CheckParameters(air, StarkProof.ReadParameters(encoded), minimumSecurityBits);
            proof = StarkProof.Decode(encoded, air);
        }
        catch (CodecException e)
        {
            throw new StarkRejectedException($"malformed proof: {e.Message}", e);
        }
        Verify(air, proof, minimumSecurityBits);
    }

    /// <summary>Throws <see cref="StarkRejectedException"/> unless <paramref name="proof"/> proves <paramref name="air"/>'s statement.</summary>
    public static void Verify(IAir air, StarkProof proof, int minimumSecurityBits = StarkParameters.MinimumSecurityBits)
    {
        ArgumentNullException.ThrowIfNull(air);
        ArgumentNullException.ThrowIfNull(proof);
        StarkParameters parameters = proof.Parameters;
        int logLde = CheckParameters(air, parameters, minimumSecurityBits);
        int n = air.TraceLength;
        int width = air.TraceWidth;
        int k = parameters.FoldingFactor;
        int columns = StarkParameters.CompositionColumns(air);
        int logRows = logLde - parameters.Fri.LogFoldingFactor;
        CheckShape(proof, width, columns, k, parameters.Queries);

        Transcript transcript = StarkProtocol.Begin(air, parameters, proof.TraceRoot);
        GoldilocksExt2[] coefficients = StarkProtocol.DrawCompositionCoefficients(transcript, air);
        transcript.AbsorbRoot("stark.composition", proof.CompositionRoot);
        GoldilocksExt2 z = StarkProtocol.DrawOodPoint(transcript, n, 1 << logLde);
        Goldilocks omega = Goldilocks.RootOfUnity(int.Log2(n));
        GoldilocksExt2 zOmega = z * omega;
        GoldilocksExt2[] atZ = [.. proof.TraceAtZ];
        GoldilocksExt2[] atZOmega = [.. proof.TraceAtZOmega];
        GoldilocksExt2[] compositionAtZ = [.. proof.CompositionAtZ];
        StarkProtocol.AbsorbOod(transcript, atZ, atZOmega, compositionAtZ);
        GoldilocksExt2[] deepCoefficients = StarkProtocol.DrawDeepCoefficients(transcript, width, columns);

        if (CompositionAt(air, z, omega, atZ, atZOmega, coefficients) != Reconstruct(compositionAtZ, z, n))
        {
            throw new StarkRejectedException("the constraints at the out-of-domain point disagree with the composition columns");
        }

        int[] positions;
        try
        {
            positions = FriVerifier.VerifyQueries(parameters.Fri, logLde, StarkProtocol.Shift, proof.Fri, transcript);
        }
        catch (FriRejectedException e)
        {
            throw new StarkRejectedException($"FRI rejected the DEEP polynomial: {e.Message}", e);
        }
        if (proof.TraceRows.Count != positions.Length || proof.CompositionRows.Count != positions.Length)
        {
            throw new StarkRejectedException($"expected {positions.Length} opened rows");
        }
        if (!RowCommitment.Verify(proof.TraceRoot, logRows, positions, proof.TraceRows, proof.TraceProof))
        {
            throw new StarkRejectedException("the trace openings do not match the trace root");
        }
        if (!RowCommitment.Verify(proof.CompositionRoot, logRows, positions, proof.CompositionRows, proof.CompositionProof))
        {
            throw new StarkRejectedException("the composition openings do not match the composition root");
        }
        CheckDeep(proof, positions, logLde, k, width, columns, z, zOmega, atZ, atZOmega, compositionAtZ, deepCoefficients);
    }

    /// <summary><see cref="Verify(IAir, ReadOnlySpan{byte}, int)"/> at the protocol's floor, as a boolean, with the reason for a rejection.</summary>
    public static bool TryVerify(IAir air, ReadOnlySpan<byte> encoded, out string? reason) =>
        TryVerify(air, encoded, StarkParameters.MinimumSecurityBits, out reason);

    /// <summary><see cref="Verify(IAir, ReadOnlySpan{byte}, int)"/> as a boolean, with the reason for a rejection.</summary>
    public static bool TryVerify(IAir air, ReadOnlySpan<byte> encoded, int minimumSecurityBits, out string? reason)
    {
        try
        {
            Verify(air, encoded, minimumSecurityBits);
            reason = null;
            return true;
        }
        catch (StarkRejectedException e)
        {
            reason = e.Message;
            return false;
        }
    }

    private static int CheckParameters(IAir air, StarkParameters parameters, int minimumSecurityBits)
    {
        int logLde;
        try
        {
            logLde = parameters.Check(air);
        }
        catch (ArgumentException e)
        {
            throw new StarkRejectedException($"unacceptable parameters: {e.Message}", e);
        }
        int bits = parameters.ConjecturedSecurityBits(air.TraceLength);
        if (bits < minimumSecurityBits)
        {
            throw new StarkRejectedException($"unacceptable parameters: {bits} bits of conjectured security, {minimumSecurityBits} required");
        }
        return logLde;
    }

    /// <summary>Counts a decoded proof already has, checked again for a proof built in memory.</summary>
    private static void CheckShape(StarkProof proof, int width, int columns, int k, int queries)
    {
        if (proof.TraceAtZ.Count != width || proof.TraceAtZOmega.Count != width || proof.CompositionAtZ.Count != columns)
        {
            throw new StarkRejectedException("wrong number of out-of-domain values");
        }
        if (proof.TraceRows.Count > queries || proof.CompositionRows.Count > queries
            || proof.TraceRows.Any(r => r is null || r.Length != width * k)
            || proof.CompositionRows.Any(r => r is null || r.Length != columns * k)
            || proof.TraceProof is null || proof.CompositionProof is null || proof.Fri is null)
        {
            throw new StarkRejectedException("wrong shape of opened rows");
        }
    }

    /// <summary>C(z) from the AIR's constraints on the claimed trace values at z and zω.</summary>
    private static GoldilocksExt2 CompositionAt(IAir air, GoldilocksExt2 z, Goldilocks omega, GoldilocksExt2[] atZ, GoldilocksExt2[] atZOmega, GoldilocksExt2[] coefficients)
    {
        int n = air.TraceLength;
        int constraints = air.TransitionDegrees.Count;
        GoldilocksExt2[] periodic = [.. air.PeriodicColumns.Select(p => PeriodicColumn.EvaluateAt(p, n, z))];
        var values = new GoldilocksExt2[constraints];
        air.EvaluateTransition<GoldilocksExt2>(atZ, atZOmega, periodic, values);
        GoldilocksExt2 transitions = GoldilocksExt2.Zero;
        for (int j = 0; j < constraints; j++)
        {
            transitions += coefficients[j] * values[j];
        }
        GoldilocksExt2 divisorInverse = (z - omega.Pow((ulong)(n - 1))) * (z.Pow((ulong)n) - GoldilocksExt2.One).Inverse();
        GoldilocksExt2 sum = transitions * divisorInverse;
        for (int b = 0; b < air.BoundaryConstraints.Count; b++)
        {
            BoundaryConstraint bc = air.BoundaryConstraints[b];
            sum += coefficients[constraints + b] * (atZ[bc.Column] - bc.Value) * (z - omega.Pow((ulong)bc.Row)).Inverse();
        }
        return sum;
    }

    /// <summary>C(z) = Σ z^(h·n)·H_h(z).</summary>
    private static GoldilocksExt2 Reconstruct(GoldilocksExt2[] compositionAtZ, GoldilocksExt2 z, int n)
    {
        GoldilocksExt2 zn = z.Pow((ulong)n);
        GoldilocksExt2 sum = GoldilocksExt2.Zero;
        for (int h = compositionAtZ.Length - 1; h >= 0; h--)
        {
            sum = sum * zn + compositionAtZ[h];
        }
        return sum;
    }

    /// <summary>FRI's first-layer row j must hold, at slot t, the DEEP value at LDE position j + t·N/k.</summary>
    private static void CheckDeep(
        StarkProof proof, int[] positions, int logLde, int k, int width, int columns, GoldilocksExt2 z, GoldilocksExt2 zOmega,
        GoldilocksExt2[] atZ, GoldilocksExt2[] atZOmega, GoldilocksExt2[] compositionAtZ, GoldilocksExt2[] coefficients)
    {
        int rows = (1 << logLde) >> int.Log2(k);
        Goldilocks step = Goldilocks.RootOfUnity(logLde);
        IReadOnlyList<GoldilocksExt2[]> firstLayer = proof.Fri.Layers[0].Rows;
        for (int q = 0; q < positions.Length; q++)
        {
            Goldilocks[] traceRow = proof.TraceRows[q];
            GoldilocksExt2[] compositionRow = proof.CompositionRows[q];
            for (int t = 0; t < k; t++)
            {
                Goldilocks x = StarkProtocol.Shift * step.Pow((ulong)(positions[q] + t * rows));
                GoldilocksExt2 sumZ = GoldilocksExt2.Zero;
                GoldilocksExt2 sumZOmega = GoldilocksExt2.Zero;
                for (int c = 0; c < width; c++)
                {
                    Goldilocks value = traceRow[t * width + c];
                    sumZ += coefficients[c] * (value - atZ[c]);
                    sumZOmega += coefficients[width + c] * (value - atZOmega[c]);
                }
                for (int h = 0; h < columns; h++)
                {
                    sumZ += coefficients[2 * width + h] * (compositionRow[t * columns + h] - compositionAtZ[h]);
                }
                GoldilocksExt2 xe = x;
                GoldilocksExt2 deep = sumZ * (xe - z).Inverse() + sumZOmega * (xe - zOmega).Inverse();
                if (deep != firstLayer[q][t])
                {
                    throw new StarkRejectedException($"FRI's first layer disagrees with the DEEP value at query {q}");
                }
            }
        }
    }
}
