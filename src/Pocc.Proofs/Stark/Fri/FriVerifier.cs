namespace Pocc.Proofs.Stark.Fri;

/// <summary>
/// Checks a <see cref="FriProof"/>: replays the transcript from the roots and remainder, checks the grinding nonce,
/// draws the same queries, then for each query checks every layer's opening against its root, that each layer's
/// folded value appears in the next layer's row, and that the last fold equals the remainder polynomial there.
/// </summary>
public static class FriVerifier
{
    /// <summary>
    /// Throws <see cref="FriRejectedException"/> unless <paramref name="proof"/> shows that the committed function on
    /// <paramref name="shift"/>·⟨ω_N⟩, N = 2^<paramref name="logDomainSize"/>, is close to a polynomial of degree
    /// &lt; N / blowup. <paramref name="transcript"/> must be in the state the prover's was in when it began.
    /// </summary>
    public static void Verify(FriParameters parameters, int logDomainSize, Goldilocks shift, FriProof proof, Transcript transcript) =>
        VerifyQueries(parameters, logDomainSize, shift, proof, transcript);

    /// <summary>
    /// <see cref="Verify"/>, returning the queried first-layer rows (sorted, distinct, in the order of
    /// <see cref="FriProof.Layers"/>[0].Rows), so a STARK can check that layer against its own openings.
    /// </summary>
    internal static int[] VerifyQueries(FriParameters parameters, int logDomainSize, Goldilocks shift, FriProof proof, Transcript transcript)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(proof);
        ArgumentNullException.ThrowIfNull(transcript);
        if (shift.IsZero)
        {
            throw new ArgumentException("the coset shift must be nonzero", nameof(shift));
        }
        int layerCount = parameters.LayerCount(logDomainSize);
        int remainderLength = parameters.RemainderLength(logDomainSize);
        int k = parameters.FoldingFactor;
        int logK = parameters.LogFoldingFactor;
        if (proof.LayerRoots.Count != layerCount || proof.Layers.Count != layerCount)
        {
            throw new FriRejectedException($"expected {layerCount} layers");
        }
        // The length is the degree bound: a longer remainder would let a higher-degree polynomial through.
        if (proof.Remainder.Count != remainderLength)
        {
            throw new FriRejectedException($"the remainder must have exactly {remainderLength} coefficients");
        }

        FriProver.AbsorbStatement(transcript, parameters, logDomainSize, shift);
        var alphas = new GoldilocksExt2[layerCount];
        for (int l = 0; l < layerCount; l++)
        {
            transcript.AbsorbRoot(FriProver.LayerLabel, proof.LayerRoots[l]);
            alphas[l] = transcript.DrawExtField(FriProver.AlphaLabel);
        }
        GoldilocksExt2[] remainder = [.. proof.Remainder];
        transcript.AbsorbField(FriProver.RemainderLabel, remainder);
        if (!transcript.VerifyGrind(parameters.GrindingBits, proof.Nonce))
        {
            throw new FriRejectedException("the grinding nonce does not meet the target");
        }
        int[] positions = transcript.DrawQueries(FriProver.QueryLabel, parameters.Queries, logDomainSize - logK);

        Goldilocks[] inverseRoots = FriFolding.InverseRoots(k);
        Goldilocks inverseK = FriFolding.InverseOf(k);
        // folded[q] is query q's value in the layer about to be checked, from the fold of the layer before it.
        var folded = new GoldilocksExt2[positions.Length];
        Goldilocks layerShift = shift;
        for (int l = 0; l < layerCount; l++)
        {
            int logRows = logDomainSize - logK * (l + 1);
            int rowsInLayer = 1 << logRows;
            int[] rows = FriProver.RowsAt(positions, rowsInLayer);
            FriLayerOpening opening = proof.Layers[l];
            if (opening.Rows.Count != rows.Length || opening.Rows.Any(r => r is null || r.Length != k))
            {
                throw new FriRejectedException($"layer {l} must open {rows.Length} rows of {k} values");
            }
            if (!RowCommitment.Verify(proof.LayerRoots[l], logRows, rows, opening.Rows, opening.Proof))
            {
                throw new FriRejectedException($"layer {l}'s openings do not match its root");
            }
            Goldilocks stepInverse = Goldilocks.InverseRootOfUnity(logRows + logK);
            Goldilocks shiftInverse = layerShift.Inverse();
            for (int q = 0; q < positions.Length; q++)
            {
                int j = positions[q] & (rowsInLayer - 1);
                GoldilocksExt2[] row = opening.Rows[Array.BinarySearch(rows, j)];
                if (l > 0 && row[(positions[q] & ((rowsInLayer << logK) - 1)) >> logRows] != folded[q])
                {
                    throw new FriRejectedException($"layer {l} does not hold the fold of layer {l - 1} at query {q}");
                }
                Goldilocks xInverse = shiftInverse * stepInverse.Pow((ulong)j);
                folded[q] = FriFolding.FoldRow(row, alphas[l] * xInverse, inverseRoots, inverseK);
            }
            layerShift = layerShift.Pow((ulong)k);
        }

        // The last fold's position j sits at y = s_r·ω_m^j on a domain of m = N / k^r points.
        int logLast = logDomainSize - logK * layerCount;
        Goldilocks step = Goldilocks.RootOfUnity(logLast);
        for (int q = 0; q < positions.Length; q++)
        {
            int j = positions[q] & ((1 << logLast) - 1);
            Goldilocks y = layerShift * step.Pow((ulong)j);
            if (FriFolding.Evaluate(remainder, y) != folded[q])
            {
                throw new FriRejectedException($"the last layer does not match the remainder polynomial at query {q}");
            }
        }
        return positions;
    }

    /// <summary><see cref="Verify"/> as a boolean, with the reason for a rejection.</summary>
    public static bool TryVerify(FriParameters parameters, int logDomainSize, Goldilocks shift, FriProof proof, Transcript transcript, out string? reason)
    {
        try
        {
            Verify(parameters, logDomainSize, shift, proof, transcript);
            reason = null;
            return true;
        }
        catch (FriRejectedException e)
        {
            reason = e.Message;
            return false;
        }
    }
}
