using Pocc.Core.Encoding;
using Pocc.Core.Hashing;

namespace Pocc.Proofs.Stark.Fri;

/// <summary>
/// A non-interactive FRI proof: the root of every committed layer, the rows each layer opens for the queries (in
/// increasing row order, k values each) with one multi-proof per layer, the remainder polynomial's coefficients and
/// the grinding nonce. Row indices are not sent: the verifier derives them from the transcript.
/// </summary>
public sealed record FriProof(
    IReadOnlyList<Hash32> LayerRoots,
    IReadOnlyList<FriLayerOpening> Layers,
    IReadOnlyList<GoldilocksExt2> Remainder,
    ulong Nonce)
{
    public const byte Version = 1;

    /// <summary>
    /// The largest encoding a proof for these parameters and domain can have: every query opening its own row in
    /// every layer, with a full path each. <see cref="Decode"/> refuses anything longer before reading it.
    /// </summary>
    public static long MaxEncodedSize(FriParameters parameters, int logDomainSize)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        int layers = parameters.LayerCount(logDomainSize);
        long size = 1 + 1 + 4 + 8 + (long)parameters.RemainderLength(logDomainSize) * GoldilocksExt2.EncodedLength;
        for (int l = 0; l < layers; l++)
        {
            int logRows = logDomainSize - parameters.LogFoldingFactor * (l + 1);
            long rows = (long)parameters.Queries * parameters.FoldingFactor * GoldilocksExt2.EncodedLength;
            long siblings = (long)parameters.Queries * logRows * Hash32.Size;
            size += Hash32.Size + 4 + rows + 1 + 4 + siblings;
        }
        return size;
    }

    /// <summary>
    /// The canonical encoding: version, layer count, the roots, each layer's row count, rows and multi-proof, the
    /// remainder's length and coefficients, the nonce.
    /// </summary>
    public byte[] Encode()
    {
        var writer = new CanonicalWriter();
        writer.WriteU8(Version);
        writer.WriteU8(checked((byte)LayerRoots.Count));
        foreach (Hash32 root in LayerRoots)
        {
            writer.WriteHash(root);
        }
        Span<byte> element = stackalloc byte[GoldilocksExt2.EncodedLength];
        foreach (FriLayerOpening layer in Layers)
        {
            writer.WriteLength(layer.Rows.Count);
            foreach (GoldilocksExt2[] row in layer.Rows)
            {
                foreach (GoldilocksExt2 value in row)
                {
                    value.WriteTo(element);
                    writer.WriteFixed(element);
                }
            }
            layer.Proof.Write(ref writer);
        }
        writer.WriteLength(Remainder.Count);
        foreach (GoldilocksExt2 coefficient in Remainder)
        {
            coefficient.WriteTo(element);
            writer.WriteFixed(element);
        }
        writer.WriteU64(Nonce);
        return writer.ToArray();
    }

    /// <summary>
    /// Decodes a proof for <paramref name="parameters"/> over 2^<paramref name="logDomainSize"/> points; throws
    /// <see cref="CodecException"/> on a wrong length, layer count, row width, remainder length, a non-canonical
    /// field element or trailing bytes, all before any hashing.
    /// </summary>
    public static FriProof Decode(ReadOnlySpan<byte> bytes, FriParameters parameters, int logDomainSize)
    {
        long maxSize = MaxEncodedSize(parameters, logDomainSize);
        if (bytes.Length > maxSize)
        {
            throw new CodecException(CodecException.TooLarge, $"FRI proof of {bytes.Length} bytes exceeds the limit of {maxSize}");
        }
        int layerCount = parameters.LayerCount(logDomainSize);
        int k = parameters.FoldingFactor;
        var reader = new CanonicalReader(bytes);
        reader.ReadVersion(Version, "FRI proof");
        if (reader.ReadU8() != layerCount)
        {
            throw new CodecException(CodecException.InvalidValue, $"FRI proof: expected {layerCount} layers");
        }
        var roots = new Hash32[layerCount];
        for (int l = 0; l < layerCount; l++)
        {
            roots[l] = reader.ReadHash();
        }
        var layers = new FriLayerOpening[layerCount];
        for (int l = 0; l < layerCount; l++)
        {
            int rowCount = reader.ReadLength(parameters.Queries);
            if (rowCount == 0)
            {
                throw new CodecException(CodecException.InvalidValue, $"FRI proof: layer {l} opens no rows");
            }
            var rows = new GoldilocksExt2[rowCount][];
            for (int r = 0; r < rowCount; r++)
            {
                rows[r] = ReadElements(ref reader, k);
            }
            layers[l] = new FriLayerOpening(rows, MerkleMultiProof.Read(ref reader));
        }
        int remainderLength = parameters.RemainderLength(logDomainSize);
        if (reader.ReadLength(remainderLength) != remainderLength)
        {
            throw new CodecException(CodecException.InvalidValue, $"FRI proof: the remainder must have {remainderLength} coefficients");
        }
        GoldilocksExt2[] remainder = ReadElements(ref reader, remainderLength);
        ulong nonce = reader.ReadU64();
        reader.EnsureEnd();
        return new FriProof(roots, layers, remainder, nonce);
    }

    private static GoldilocksExt2[] ReadElements(ref CanonicalReader reader, int count)
    {
        var values = new GoldilocksExt2[count];
        for (int i = 0; i < count; i++)
        {
            if (!GoldilocksExt2.TryRead(reader.ReadFixed(GoldilocksExt2.EncodedLength), out values[i]))
            {
                throw new CodecException(CodecException.NonCanonical, "FRI proof: a field element is not canonical");
            }
        }
        return values;
    }
}

/// <summary>One layer's opened rows (k values each, in increasing row order) and the multi-proof to its root.</summary>
public sealed record FriLayerOpening(IReadOnlyList<GoldilocksExt2[]> Rows, MerkleMultiProof Proof);
