using Pocc.Core.Encoding;

namespace Pocc.Proofs.Stark.Tasks;

/// <summary>
/// The two off-chain blobs of a STARK task. The inputs blob: a version byte, the computation, then its input elements
/// (8 bytes little-endian, canonical). The result blob: a version byte, the output elements, then the encoded proof,
/// length-prefixed. Decoding rejects a wrong size, a non-canonical element or trailing bytes before anything else.
/// </summary>
public static class StarkTaskBlobs
{
    public const byte Version = 1;

    /// <summary>The largest result blob: far above a 2^20-row proof at 104 bits, far below what would strain a validator.</summary>
    public const int MaxResultSize = 1 << 20;

    /// <summary>The size of a result blob that carries no proof at all: anything committed must be larger.</summary>
    public const int MinResultSize = 1 + StarkComputations.OutputElements * Goldilocks.EncodedLength + 4 + 1;

    public static int InputsSize(StarkComputation computation) => 2 + StarkComputations.InputElements(computation) * Goldilocks.EncodedLength;

    public static byte[] EncodeInputs(StarkComputation computation, ReadOnlySpan<Goldilocks> inputs)
    {
        if (inputs.Length != StarkComputations.InputElements(computation))
        {
            throw new ArgumentException($"{computation} takes {StarkComputations.InputElements(computation)} input elements, got {inputs.Length}", nameof(inputs));
        }
        var writer = new CanonicalWriter(InputsSize(computation));
        writer.WriteU8(Version);
        writer.WriteU8((byte)computation);
        WriteElements(ref writer, inputs);
        return writer.ToArray();
    }

    /// <summary>The input elements of <paramref name="computation"/> in <paramref name="bytes"/>; throws <see cref="CodecException"/> if they are not.</summary>
    public static Goldilocks[] DecodeInputs(StarkComputation computation, ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != InputsSize(computation))
        {
            throw new CodecException(CodecException.InvalidValue, $"a {computation} inputs blob has {InputsSize(computation)} bytes, not {bytes.Length}");
        }
        var reader = new CanonicalReader(bytes);
        reader.ReadVersion(Version, "STARK inputs");
        byte stated = reader.ReadU8();
        if (stated != (byte)computation)
        {
            throw new CodecException(CodecException.InvalidValue, $"the inputs blob is for computation {stated}, the task is {computation}");
        }
        Goldilocks[] inputs = ReadElements(ref reader, StarkComputations.InputElements(computation));
        reader.EnsureEnd();
        return inputs;
    }

    public static byte[] EncodeResult(ReadOnlySpan<Goldilocks> outputs, ReadOnlySpan<byte> proof)
    {
        if (outputs.Length != StarkComputations.OutputElements)
        {
            throw new ArgumentException($"a result has {StarkComputations.OutputElements} outputs, got {outputs.Length}", nameof(outputs));
        }
        var writer = new CanonicalWriter(MinResultSize + proof.Length);
        writer.WriteU8(Version);
        WriteElements(ref writer, outputs);
        writer.WriteBytes(proof);
        return writer.ToArray();
    }

    /// <summary>The outputs and the encoded proof in a result blob; throws <see cref="CodecException"/> if it is not one.</summary>
    public static (Goldilocks[] Outputs, byte[] Proof) DecodeResult(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length is < MinResultSize or > MaxResultSize)
        {
            throw new CodecException(CodecException.InvalidValue, $"a STARK result blob has {MinResultSize}..{MaxResultSize} bytes, not {bytes.Length}");
        }
        var reader = new CanonicalReader(bytes);
        reader.ReadVersion(Version, "STARK result");
        Goldilocks[] outputs = ReadElements(ref reader, StarkComputations.OutputElements);
        byte[] proof = reader.ReadBytes(MaxResultSize).ToArray();
        reader.EnsureEnd();
        return (outputs, proof);
    }

    private static void WriteElements(ref CanonicalWriter writer, ReadOnlySpan<Goldilocks> elements)
    {
        Span<byte> element = stackalloc byte[Goldilocks.EncodedLength];
        foreach (Goldilocks value in elements)
        {
            value.WriteTo(element);
            writer.WriteFixed(element);
        }
    }

    private static Goldilocks[] ReadElements(ref CanonicalReader reader, int count)
    {
        var elements = new Goldilocks[count];
        for (int i = 0; i < count; i++)
        {
            if (!Goldilocks.TryRead(reader.ReadFixed(Goldilocks.EncodedLength), out elements[i]))
            {
                throw new CodecException(CodecException.NonCanonical, $"element {i} is not below the Goldilocks prime");
            }
        }
        return elements;
    }
}
