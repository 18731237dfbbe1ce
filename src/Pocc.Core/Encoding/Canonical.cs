namespace Pocc.Core.Encoding;

/// <summary>Whole-object encode and decode with the size limit and trailing-byte check every decoder must apply.</summary>
public static class Canonical
{
    public static byte[] Encode<T>(T value) where T : ICanonical<T>
    {
        var writer = new CanonicalWriter();
        value.Write(ref writer);
        return writer.ToArray();
    }

    public static T Decode<T>(ReadOnlySpan<byte> bytes, int maxSize) where T : ICanonical<T>
    {
        if (bytes.Length > maxSize)
        {
            throw new CodecException(CodecException.TooLarge, $"{typeof(T).Name} of {bytes.Length} bytes exceeds the limit of {maxSize}");
        }
        var reader = new CanonicalReader(bytes);
        var value = T.Read(ref reader);
        reader.EnsureEnd();
        return value;
    }
}
