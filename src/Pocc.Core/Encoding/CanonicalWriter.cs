using System.Buffers.Binary;
using Pocc.Core.Addressing;
using Pocc.Core.Hashing;

namespace Pocc.Core.Encoding;

/// <summary>
/// Writes the canonical encoding: fixed-width little-endian integers, booleans as 0/1,
/// byte strings, strings and lists prefixed by a u32 length. There is exactly one encoding per value.
/// </summary>
public ref struct CanonicalWriter
{
    private byte[] _buffer;
    private int _length;

    public CanonicalWriter(int initialCapacity)
    {
        _buffer = new byte[Math.Max(16, initialCapacity)];
        _length = 0;
    }

    public CanonicalWriter() : this(256) { }

    public readonly int Length => _length;

    public readonly ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public readonly byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

    public void WriteU8(byte value) => Reserve(1)[0] = value;

    public void WriteBool(bool value) => WriteU8(value ? (byte)1 : (byte)0);

    public void WriteU16(ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(Reserve(2), value);

    public void WriteU32(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Reserve(4), value);

    public void WriteU64(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Reserve(8), value);

    public void WriteI64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Reserve(8), value);

    public void WriteHash(Hash32 hash) => hash.CopyTo(Reserve(Hash32.Size));

    public void WriteAddress(Address address) => address.CopyTo(Reserve(Address.Size));

    /// <summary>Raw bytes of a length both sides know (keys, signatures); no prefix.</summary>
    public void WriteFixed(scoped ReadOnlySpan<byte> bytes) => bytes.CopyTo(Reserve(bytes.Length));

    /// <summary>A u32 length, then the bytes.</summary>
    public void WriteBytes(scoped ReadOnlySpan<byte> bytes)
    {
        WriteLength(bytes.Length);
        WriteFixed(bytes);
    }

    /// <summary>UTF-8 with a u32 byte-length prefix.</summary>
    public void WriteString(string value)
    {
        int byteCount = System.Text.Encoding.UTF8.GetByteCount(value);
        WriteLength(byteCount);
        System.Text.Encoding.UTF8.GetBytes(value, Reserve(byteCount));
    }

    /// <summary>The element count of a list that follows.</summary>
    public void WriteLength(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        WriteU32((uint)count);
    }

    private Span<byte> Reserve(int count)
    {
        if (_length + count > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        }
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
