using System.Buffers.Binary;
using System.Text;
using Pocc.Core.Hashing;
using Pocc.Proofs.Stark.Air;

namespace Pocc.Proofs.Stark;

/// <summary>The transcript steps and the domain the prover and verifier share, so both derive the same challenges.</summary>
internal static class StarkProtocol
{
    public const string Domain = "pocc/stark/v1";

    /// <summary>The LDE coset's shift: a generator of the multiplicative group lies in no proper subgroup.</summary>
    public static readonly Goldilocks Shift = Goldilocks.Generator;

    /// <summary>A transcript bound to the AIR, its public inputs, the parameters and the trace root.</summary>
    public static Transcript Begin(IAir air, StarkParameters parameters, Hash32 traceRoot)
    {
        var transcript = new Transcript(Domain);
        transcript.Absorb("stark.air", Encoding.UTF8.GetBytes(air.Name));
        transcript.Absorb("stark.public", air.EncodePublicInputs());
        Span<byte> data = stackalloc byte[6 * 4];
        BinaryPrimitives.WriteInt32LittleEndian(data, parameters.Blowup);
        BinaryPrimitives.WriteInt32LittleEndian(data[4..], parameters.FoldingFactor);
        BinaryPrimitives.WriteInt32LittleEndian(data[8..], parameters.Queries);
        BinaryPrimitives.WriteInt32LittleEndian(data[12..], parameters.GrindingBits);
        BinaryPrimitives.WriteInt32LittleEndian(data[16..], air.TraceWidth);
        BinaryPrimitives.WriteInt32LittleEndian(data[20..], air.TraceLength);
        transcript.Absorb("stark.parameters", data);
        transcript.AbsorbRoot("stark.trace", traceRoot);
        return transcript;
    }

    /// <summary>One coefficient per transition constraint, then one per boundary constraint.</summary>
    public static GoldilocksExt2[] DrawCompositionCoefficients(Transcript transcript, IAir air) =>
        [.. Enumerable.Range(0, air.TransitionDegrees.Count + air.BoundaryConstraints.Count).Select(_ => transcript.DrawExtField("stark.composition"))];

    /// <summary>
    /// The out-of-domain point z, redrawn while it lies in the trace domain (the divisors vanish there) or on the LDE
    /// coset (the DEEP quotients would divide by zero). Both happen with probability about N / p².
    /// </summary>
    public static GoldilocksExt2 DrawOodPoint(Transcript transcript, int traceLength, int ldeSize)
    {
        Goldilocks shiftInverse = Shift.Inverse();
        while (true)
        {
            GoldilocksExt2 z = transcript.DrawExtField("stark.ood");
            if (z.Pow((ulong)traceLength) != GoldilocksExt2.One && (z * shiftInverse).Pow((ulong)ldeSize) != GoldilocksExt2.One)
            {
                return z;
            }
        }
    }

    public static void AbsorbOod(Transcript transcript, IReadOnlyList<GoldilocksExt2> atZ, IReadOnlyList<GoldilocksExt2> atZOmega, IReadOnlyList<GoldilocksExt2> compositionAtZ)
    {
        transcript.AbsorbField("stark.ood.trace", [.. atZ, .. atZOmega]);
        transcript.AbsorbField("stark.ood.composition", [.. compositionAtZ]);
    }

    /// <summary>Per trace column a coefficient for its quotient at z and one at z·ω, then one per composition column.</summary>
    public static GoldilocksExt2[] DrawDeepCoefficients(Transcript transcript, int width, int compositionColumns) =>
        [.. Enumerable.Range(0, 2 * width + compositionColumns).Select(_ => transcript.DrawExtField("stark.deep"))];

    /// <summary>Base-field coefficients evaluated at an extension point, by Horner.</summary>
    public static GoldilocksExt2 Evaluate(ReadOnlySpan<Goldilocks> coefficients, GoldilocksExt2 point)
    {
        GoldilocksExt2 acc = GoldilocksExt2.Zero;
        for (int i = coefficients.Length - 1; i >= 0; i--)
        {
            acc = acc * point + coefficients[i];
        }
        return acc;
    }
}
