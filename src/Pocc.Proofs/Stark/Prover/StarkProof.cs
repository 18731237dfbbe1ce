using Pocc.Core.Encoding;
using Pocc.Core.Hashing;
using Pocc.Proofs.Stark.Air;
using Pocc.Proofs.Stark.Fri;

namespace Pocc.Proofs.Stark;

/// <summary>
/// A non-interactive STARK proof: the parameters it was made with (its header, so a verifier knows the security it
/// claims before reading further), the trace and composition roots, the trace columns at z and z·ω and the composition
/// columns at z, the opened rows of both commitments at FRI's queried first-layer rows (row j holds the values at LDE
/// positions j + t·N/k for t &lt; k, as FRI groups its first layer), and the FRI proof of the DEEP polynomial.
/// </summary>
public sealed record StarkProof(
    StarkParameters Parameters,
    Hash32 TraceRoot,
    Hash32 CompositionRoot,
    IReadOnlyList<GoldilocksExt2> TraceAtZ,
    IReadOnlyList<GoldilocksExt2> TraceAtZOmega,
    IReadOnlyList<GoldilocksExt2> CompositionAtZ,
    IReadOnlyList<Goldilocks[]> TraceRows,
    MerkleMultiProof TraceProof,
    IReadOnlyList<GoldilocksExt2[]> CompositionRows,
    MerkleMultiProof CompositionProof,
    FriProof Fri)
{
    public const byte Version = 2;

    /// <summary>The version byte and the four parameter bytes.</summary>
    public const int HeaderLength = 5;

    /// <summary>The largest encoding a proof of <paramref name="air"/> with <paramref name="parameters"/> can have.</summary>
    public static long MaxEncodedSize(StarkParameters parameters, IAir air)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        int logLde = parameters.Check(air);
        int logRows = logLde - parameters.Fri.LogFoldingFactor;
        long q = parameters.Queries;
        int k = parameters.FoldingFactor;
        int w = air.TraceWidth;
        int h = StarkParameters.CompositionColumns(air);
        long size = HeaderLength + 2 * Hash32.Size + (2L * w + h) * GoldilocksExt2.EncodedLength;
        size += 4 + q * w * k * Goldilocks.EncodedLength + 4 + q * h * k * GoldilocksExt2.EncodedLength;
        size += 2 * (1 + 4 + q * logRows * Hash32.Size);
        return size + 4 + FriProof.MaxEncodedSize(parameters.Fri, logLde);
    }

    /// <summary>
    /// The canonical encoding: version, the header (log2 blowup, folding factor, queries, grinding bits; a byte each),
    /// the two roots, the out-of-domain values (counts fixed by the AIR), the opened
    /// trace rows with their multi-proof, the opened composition rows with theirs, and the FRI proof, length-prefixed.
    /// </summary>
    public byte[] Encode()
    {
        var writer = new CanonicalWriter();
        writer.WriteU8(Version);
        writer.WriteU8((byte)Parameters.Fri.LogBlowup);
        writer.WriteU8((byte)Parameters.FoldingFactor);
        writer.WriteU8((byte)Parameters.Queries);
        writer.WriteU8((byte)Parameters.GrindingBits);
        writer.WriteHash(TraceRoot);
        writer.WriteHash(CompositionRoot);
        Span<byte> element = stackalloc byte[GoldilocksExt2.EncodedLength];
        foreach (GoldilocksExt2 value in TraceAtZ.Concat(TraceAtZOmega).Concat(CompositionAtZ))
        {
            value.WriteTo(element);
            writer.WriteFixed(element);
        }
        writer.WriteLength(TraceRows.Count);
        foreach (Goldilocks value in TraceRows.SelectMany(r => r))
        {
            value.WriteTo(element);
            writer.WriteFixed(element[..Goldilocks.EncodedLength]);
        }
        TraceProof.Write(ref writer);
        writer.WriteLength(CompositionRows.Count);
        foreach (GoldilocksExt2 value in CompositionRows.SelectMany(r => r))
        {
            value.WriteTo(element);
            writer.WriteFixed(element);
        }
        CompositionProof.Write(ref writer);
        writer.WriteBytes(Fri.Encode());
        return writer.ToArray();
    }

    /// <summary>
    /// The parameters in an encoded proof's header, read without touching the rest; throws <see cref="CodecException"/>
    /// on a short input, an unknown version or values no <see cref="StarkParameters"/> can hold.
    /// </summary>
    public static StarkParameters ReadParameters(ReadOnlySpan<byte> bytes)
    {
        var reader = new CanonicalReader(bytes);
        return ReadHeader(ref reader);
    }

    /// <summary>
    /// Decodes a proof of <paramref name="air"/> with the parameters its header states; throws <see cref="CodecException"/>
    /// on parameters that do not fit the AIR, a size beyond their bound, a wrong count, a non-canonical element or
    /// trailing bytes, before hashing. Whether the parameters are strong enough is the verifier's question.
    /// </summary>
    public static StarkProof Decode(ReadOnlySpan<byte> bytes, IAir air)
    {
        ArgumentNullException.ThrowIfNull(air);
        var reader = new CanonicalReader(bytes);
        StarkParameters parameters = ReadHeader(ref reader);
        long maxSize;
        int logLde;
        try
        {
            logLde = parameters.Check(air);
            maxSize = MaxEncodedSize(parameters, air);
        }
        catch (ArgumentException e)
        {
            throw new CodecException(CodecException.InvalidValue, $"STARK proof: its parameters do not fit the statement: {e.Message}");
        }
        if (bytes.Length > maxSize)
        {
            throw new CodecException(CodecException.TooLarge, $"STARK proof of {bytes.Length} bytes exceeds the limit of {maxSize}");
        }
        int logRows = logLde - parameters.Fri.LogFoldingFactor;
        int k = parameters.FoldingFactor;
        int w = air.TraceWidth;
        int h = StarkParameters.CompositionColumns(air);
        Hash32 traceRoot = reader.ReadHash();
        Hash32 compositionRoot = reader.ReadHash();
        GoldilocksExt2[] atZ = ReadExt(ref reader, w);
        GoldilocksExt2[] atZOmega = ReadExt(ref reader, w);
        GoldilocksExt2[] compositionAtZ = ReadExt(ref reader, h);

        var traceRows = new Goldilocks[ReadRowCount(ref reader, parameters.Queries)][];
        for (int r = 0; r < traceRows.Length; r++)
        {
            traceRows[r] = new Goldilocks[w * k];
            for (int i = 0; i < traceRows[r].Length; i++)
            {
                if (!Goldilocks.TryRead(reader.ReadFixed(Goldilocks.EncodedLength), out traceRows[r][i]))
                {
                    throw new CodecException(CodecException.NonCanonical, "STARK proof: a field element is not canonical");
                }
            }
        }
        MerkleMultiProof traceProof = ReadMultiProof(ref reader, parameters.Queries, logRows);
        var compositionRows = new GoldilocksExt2[ReadRowCount(ref reader, parameters.Queries)][];
        for (int r = 0; r < compositionRows.Length; r++)
        {
            compositionRows[r] = ReadExt(ref reader, h * k);
        }
        MerkleMultiProof compositionProof = ReadMultiProof(ref reader, parameters.Queries, logRows);
        FriProof fri = FriProof.Decode(reader.ReadBytes(int.MaxValue), parameters.Fri, logLde);
        reader.EnsureEnd();
        return new StarkProof(parameters, traceRoot, compositionRoot, atZ, atZOmega, compositionAtZ, traceRows, traceProof, compositionRows, compositionProof, fri);
    }

    private static StarkParameters ReadHeader(ref CanonicalReader reader)
    {
        reader.ReadVersion(Version, "STARK proof");
        int logBlowup = reader.ReadU8();
        int foldingFactor = reader.ReadU8();
        int queries = reader.ReadU8();
        int grindingBits = reader.ReadU8();
        if (logBlowup > int.Log2(FriParameters.MaxBlowup))
        {
            throw new CodecException(CodecException.InvalidValue, $"STARK proof: a blowup of 2^{logBlowup} is out of range");
        }
        try
        {
            return new StarkParameters(1 << logBlowup, foldingFactor, queries, grindingBits);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new CodecException(CodecException.InvalidValue, $"STARK proof: bad header: {e.Message}");
        }
    }

    private static int ReadRowCount(ref CanonicalReader reader, int queries)
    {
        int count = reader.ReadLength(queries);
        if (count == 0)
        {
            throw new CodecException(CodecException.InvalidValue, "STARK proof: no opened rows");
        }
        return count;
    }

    private static MerkleMultiProof ReadMultiProof(ref CanonicalReader reader, int queries, int logRows)
    {
        MerkleMultiProof proof = MerkleMultiProof.Read(ref reader);
        if (proof.Siblings.Count > (long)queries * logRows)
        {
            throw new CodecException(CodecException.InvalidValue, "STARK proof: a multi-proof has more siblings than the queries need");
        }
        return proof;
    }

    private static GoldilocksExt2[] ReadExt(ref CanonicalReader reader, int count)
    {
        var values = new GoldilocksExt2[count];
        for (int i = 0; i < count; i++)
        {
            if (!GoldilocksExt2.TryRead(reader.ReadFixed(GoldilocksExt2.EncodedLength), out values[i]))
            {
                throw new CodecException(CodecException.NonCanonical, "STARK proof: a field element is not canonical");
            }
        }
        return values;
    }
}
