using System.Buffers;
using System.Buffers.Binary;

namespace Pocc.Network.Framing;

/// <summary>
/// The wire frame: <c>u32 payload length (little-endian) ‖ u8 message type ‖ payload</c>.
/// The length counts the payload only, so a header is always <see cref="HeaderSize"/> bytes.
/// </summary>
public static class FrameCodec
{
    public const int HeaderSize = 5;

    public static void WriteHeader(Span<byte> destination, byte type, int payloadLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payloadLength);
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)payloadLength);
        destination[4] = type;
    }

    /// <summary>Writes a whole frame into <paramref name="writer"/>; the caller flushes.</summary>
    public static void Write(IBufferWriter<byte> writer, byte type, ReadOnlySpan<byte> payload)
    {
        WriteHeader(writer.GetSpan(HeaderSize), type, payload.Length);
        writer.Advance(HeaderSize);
        writer.Write(payload);
    }

    /// <summary>
    /// Takes one frame off the front of <paramref name="buffer"/> if it is complete. The length is checked against
    /// <paramref name="limits"/> as soon as the 5 header bytes are there, before any of the body has arrived.
    /// </summary>
    /// <exception cref="NetworkException"><see cref="DisconnectReason.FrameTooLarge"/> when the header exceeds the type's limit.</exception>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, FrameLimits limits, out byte type, out byte[] payload)
    {
        type = 0;
        payload = [];
        if (buffer.Length < HeaderSize)
        {
            return false;
        }
        Span<byte> header = stackalloc byte[HeaderSize];
        buffer.Slice(0, HeaderSize).CopyTo(header);
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        type = header[4];
        if (length > (uint)limits.MaxFor(type))
        {
            throw new NetworkException(DisconnectReason.FrameTooLarge,
                $"frame of type {type} announces {length} bytes; the limit is {limits.MaxFor(type)}");
        }
        if (buffer.Length - HeaderSize < length)
        {
            return false;
        }
        payload = buffer.Slice(HeaderSize, length).ToArray();
        buffer = buffer.Slice(HeaderSize + length);
        return true;
    }
}
