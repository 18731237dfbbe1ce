using System.Buffers.Binary;
using Pocc.Core.Hashing;

namespace Pocc.Proofs.Stark.Fri;

/// <summary>
/// Proves that evaluations on a coset s·⟨ω_N⟩ are those of a polynomial of degree &lt; N / blowup: commits to each
/// folded layer, sends the last one as a remainder polynomial, grinds, then opens every layer at the queried rows.
/// </summary>
public static class FriProver
{
    /// <summary>
    /// The proof for <paramref name="evaluations"/> (value i at <paramref name="shift"/>·ω_N^i), with every message
    /// absorbed into and every challenge drawn from <paramref name="transcript"/>, which the caller has already bound
    /// to the statement.
    /// </summary>
    public static FriProof Prove(FriParameters parameters, ReadOnlySpan<GoldilocksExt2> evaluations, Goldilocks shift, Transcript transcript) =>
        Prove(parameters, evaluations, shift, transcript, out _);

    /// <summary>
    /// <see cref="Prove(FriParameters, ReadOnlySpan{GoldilocksExt2}, Goldilocks, Transcript)"/>, also giving the queried
    /// first-layer rows, so a STARK can open its own commitments at the same rows.
    /// </summary>
    internal static FriProof Prove(FriParameters parameters, ReadOnlySpan<GoldilocksExt2> evaluations, Goldilocks shift, Transcript transcript, out int[] positions)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(transcript);
        if (shift.IsZero)
        {
            throw new ArgumentException("the coset shift must be nonzero", nameof(shift));
        }
        if (!int.IsPow2(evaluations.Length))
        {
            throw new ArgumentException($"the domain size must be a power of two, got {evaluations.Length}", nameof(evaluations));
        }
        int logDomainSize = int.Log2(evaluations.Length);
        int layerCount = parameters.LayerCount(logDomainSize);
        int k = parameters.FoldingFactor;
        AbsorbStatement(transcript, parameters, logDomainSize, shift);

        var layers = new GoldilocksExt2[layerCount][];
        var commitments = new RowCommitment[layerCount];
        GoldilocksExt2[] current = evaluations.ToArray();
        Goldilocks layerShift = shift;
        for (int l = 0; l < layerCount; l++)
        {
            layers[l] = current;
            commitments[l] = RowCommitment.CommitGrouped([current], k);
            transcript.AbsorbRoot(LayerLabel, commitments[l].Root);
            GoldilocksExt2 alpha = transcript.DrawExtField(AlphaLabel);
            current = FriFolding.Fold(current, k, layerShift, alpha);
            layerShift = layerShift.Pow((ulong)k);
        }
        GoldilocksExt2[] remainder = Remainder(current, layerShift, parameters.RemainderLength(logDomainSize));
        transcript.AbsorbField(RemainderLabel, remainder);

        ulong nonce = transcript.Grind(parameters.GrindingBits);
        positions = transcript.DrawQueries(QueryLabel, parameters.Queries, logDomainSize - parameters.LogFoldingFactor);

        var openings = new FriLayerOpening[layerCount];
        for (int l = 0; l < layerCount; l++)
        {
            int rowsInLayer = layers[l].Length / k;
            int[] rows = RowsAt(positions, rowsInLayer);
            GoldilocksExt2[][] opened = [.. rows.Select(j => FriFolding.Row(layers[l], k, j))];
            openings[l] = new FriLayerOpening(opened, commitments[l].Open(rows));
        }
        return new FriProof([.. commitments.Select(c => c.Root)], openings, remainder, nonce);
    }

    internal const string LayerLabel = "fri.layer";
    internal const string AlphaLabel = "fri.alpha";
    internal const string RemainderLabel = "fri.remainder";
    internal const string QueryLabel = "fri.queries";

    /// <summary>Binds the challenges to the parameters and the domain, so a proof for one cannot pass as another.</summary>
    internal static void AbsorbStatement(Transcript transcript, FriParameters parameters, int logDomainSize, Goldilocks shift)
    {
        Span<byte> data = stackalloc byte[6 * 4 + Goldilocks.EncodedLength];
        BinaryPrimitives.WriteInt32LittleEndian(data, parameters.Blowup);
        BinaryPrimitives.WriteInt32LittleEndian(data[4..], parameters.FoldingFactor);
        BinaryPrimitives.WriteInt32LittleEndian(data[8..], parameters.Queries);
        BinaryPrimitives.WriteInt32LittleEndian(data[12..], parameters.GrindingBits);
        BinaryPrimitives.WriteInt32LittleEndian(data[16..], parameters.MaxRemainderDegree);
        BinaryPrimitives.WriteInt32LittleEndian(data[20..], logDomainSize);
        shift.WriteTo(data[24..]);
        transcript.Absorb("fri.statement", data);
    }

    /// <summary>
    /// The distinct rows of a layer with <paramref name="rowsInLayer"/> rows that the queries touch, increasing: a
    /// query at first-layer row q reaches row q mod (rows of the layer), since each fold maps position j to j mod m.
    /// </summary>
    internal static int[] RowsAt(int[] positions, int rowsInLayer) =>
        [.. positions.Select(q => q & (rowsInLayer - 1)).Distinct().Order()];

    /// <summary>
    /// The first <paramref name="length"/> coefficients of the polynomial through the last layer's values on
    /// s·⟨ω_n⟩. An honest prover's higher coefficients are zero; a cheating one's truncation fails the query checks.
    /// </summary>
    private static GoldilocksExt2[] Remainder(GoldilocksExt2[] values, Goldilocks shift, int length)
    {
        // The inverse NTT of values on the coset gives c_i·s^i; the transform is linear, so each coordinate separately.
        Goldilocks[] c0 = [.. values.Select(v => v.C0)];
        Goldilocks[] c1 = [.. values.Select(v => v.C1)];
        Ntt.Inverse(c0);
        Ntt.Inverse(c1);
        var coefficients = new GoldilocksExt2[length];
        Goldilocks shiftInverse = shift.Inverse();
        Goldilocks power = Goldilocks.One;
        for (int i = 0; i < length; i++)
        {
            coefficients[i] = new GoldilocksExt2(c0[i], c1[i]) * power;
            power *= shiftInverse;
        }
        return coefficients;
    }
}
