using System.Buffers.Binary;
using Pocc.Core.Addressing;
using Pocc.Core.Hashing;

namespace Pocc.Core.Encoding;

/// <summary>
/// Reads what <see cref="CanonicalWriter"/> wrote, rejecting anything that is not the one canonical
/// form: truncation, booleans other than 0/1, lengths above the caller's limit, invalid UTF-8, trailing bytes.
/// </summary>
public ref struct CanonicalReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public CanonicalReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly int Remaining => _data.Length - _position;

    public readonly int Position => _position;

    public byte ReadU8() => Take(1)[0];

    public bool ReadBool() => ReadU8() switch
    {
        0 => false,
        1 => true,
        var b => throw new CodecException(CodecException.NonCanonical, $"boolean byte must be 0 or 1, got {b}"),
    };

    public ushort ReadU16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

    public uint ReadU32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    public ulong ReadU64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    public long ReadI64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    public Hash32 ReadHash() => new(Take(Hash32.Size));

    public Address ReadAddress() => new(Take(Address.Size));

    public ReadOnlySpan<byte> ReadFixed(int count) => Take(count);

    public ReadOnlySpan<byte> ReadBytes(int maxLength) => Take(ReadLength(maxLength));

    public string ReadString(int maxBytes)
    {
        var bytes = ReadBytes(maxBytes);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (System.Text.DecoderFallbackException)
        {
            throw new CodecException(CodecException.InvalidValue, "string is not valid UTF-8");
        }
    }

    /// <summary>A length prefix, checked against <paramref name="maxCount"/> before anything is allocated.</summary>
    public int ReadLength(int maxCount)
    {
        uint count = ReadU32();
        if (count > (uint)maxCount)
        {
            throw new CodecException(CodecException.TooLarge, $"length {count} exceeds the limit of {maxCount}");
        }
        return (int)count;
    }

    /// <summary>A one-byte version tag that must equal <paramref name="expected"/>.</summary>
    public void ReadVersion(byte expected, string what)
    {
        byte version = ReadU8();
        if (version != expected)
        {
            throw new CodecException(CodecException.UnknownVersion, $"{what}: unknown encoding version {version} (expected {expected})");
        }
    }

    public readonly void EnsureEnd()
    {
        if (_position != _data.Length)
        {
            throw new CodecException(CodecException.TrailingBytes, $"{_data.Length - _position} trailing bytes after the object");
        }
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > _data.Length - _position)
        {
            throw new CodecException(CodecException.Truncated, $"needed {count} more bytes at offset {_position}, only {_data.Length - _position} left");
        }
        var span = _data.Slice(_position, count);
        _position += count;
        return span;
    }

    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
