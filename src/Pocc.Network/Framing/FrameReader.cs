using System.IO.Pipelines;

namespace Pocc.Network.Framing;

/// <summary>One decoded frame: its message type and payload.</summary>
public readonly record struct Frame(byte Type, byte[] Payload);

/// <summary>
/// Reads frames from a <see cref="PipeReader"/>. The pipe only ever holds what the peer has actually sent,
/// and the header check in <see cref="FrameCodec.TryRead"/> runs before we wait for a body, so an oversized
/// claim costs us 5 bytes, not the claimed size.
/// </summary>
public sealed class FrameReader(PipeReader reader, FrameLimits limits)
{
    /// <summary>The next frame, or null when the peer closed the stream cleanly between frames.</summary>
    /// <exception cref="NetworkException">Oversized header (<see cref="DisconnectReason.FrameTooLarge"/>) or a stream cut mid-frame (<see cref="DisconnectReason.IoError"/>).</exception>
    public async ValueTask<Frame?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            bool complete;
            byte type;
            byte[] payload;
            try
            {
                complete = FrameCodec.TryRead(ref buffer, limits, out type, out payload);
            }
            catch
            {
                reader.AdvanceTo(buffer.Start);
                throw;
            }
            if (complete)
            {
                reader.AdvanceTo(buffer.Start);
                return new Frame(type, payload);
            }
            if (result.IsCompleted || result.IsCanceled)
            {
                bool clean = buffer.IsEmpty;
                reader.AdvanceTo(buffer.End);
                return clean ? null : throw new NetworkException(DisconnectReason.IoError, $"stream ended inside a frame ({buffer.Length} bytes pending)");
            }
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
