using System.Buffers;
using System.IO.Pipelines;
using CsCheck;
using Pocc.Network.Framing;

namespace Pocc.Network.Tests.Framing;

public class FrameCodecTests
{
    [Fact]
    public void Frame_is_little_endian_length_then_type_then_payload()
    {
        var writer = new ArrayBufferWriter<byte>();
        FrameCodec.Write(writer, 0x42, [1, 2, 3]);
        Assert.Equal(new byte[] { 3, 0, 0, 0, 0x42, 1, 2, 3 }, writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void Round_trips_any_frames_however_the_bytes_are_split()
    {
        var genFrame = Gen.Select(Gen.Byte, Gen.Byte.Array[0, 300]);
        Gen.Select(genFrame.Array[1, 8], Gen.Int[1, 50]).Sample((frames, chunk) =>
        {
            var writer = new ArrayBufferWriter<byte>();
            foreach (var (type, payload) in frames)
            {
                FrameCodec.Write(writer, type, payload);
            }
            var bytes = writer.WrittenSpan.ToArray();
            var limits = new FrameLimits(300);
            var pending = new List<byte>();
            var decoded = new List<(byte, byte[])>();
            for (int offset = 0; offset < bytes.Length; offset += chunk)
            {
                pending.AddRange(bytes.AsSpan(offset, Math.Min(chunk, bytes.Length - offset)).ToArray());
                var buffer = new ReadOnlySequence<byte>(pending.ToArray());
                while (FrameCodec.TryRead(ref buffer, limits, out byte type, out byte[] payload))
                {
                    decoded.Add((type, payload));
                }
                pending = [.. buffer.ToArray()];
            }
            Assert.Empty(pending);
            Assert.Equal(frames.Length, decoded.Count);
            for (int i = 0; i < frames.Length; i++)
            {
                Assert.Equal(frames[i].Item1, decoded[i].Item1);
                Assert.Equal(frames[i].Item2, decoded[i].Item2);
            }
        });
    }

    [Fact]
    public void Rejects_an_oversized_header_before_any_body_arrives()
    {
        var header = new byte[FrameCodec.HeaderSize];
        FrameCodec.WriteHeader(header, 0x10, 100 * 1024 * 1024);
        var buffer = new ReadOnlySequence<byte>(header);
        var e = Assert.Throws<NetworkException>(() => FrameCodec.TryRead(ref buffer, FrameLimits.Default, out _, out _));
        Assert.Equal(DisconnectReason.FrameTooLarge, e.Reason);
    }

    [Fact]
    public void Applies_the_per_type_limit_and_caps_it_at_the_global_one()
    {
        var limits = new FrameLimits(1000, new Dictionary<byte, int> { [0x20] = 10, [0x21] = 5000 });
        Assert.Equal(10, limits.MaxFor(0x20));
        Assert.Equal(1000, limits.MaxFor(0x21));
        Assert.Equal(1000, limits.MaxFor(0x22));
        var writer = new ArrayBufferWriter<byte>();
        FrameCodec.Write(writer, 0x20, new byte[11]);
        var buffer = new ReadOnlySequence<byte>(writer.WrittenMemory);
        Assert.Equal(DisconnectReason.FrameTooLarge,
            Assert.Throws<NetworkException>(() => FrameCodec.TryRead(ref buffer, limits, out _, out _)).Reason);
    }

    [Fact]
    public async Task Reader_reports_a_clean_end_between_frames_and_an_error_inside_one()
    {
        var pipe = new Pipe();
        FrameCodec.Write(pipe.Writer, 0x10, [7]);
        await pipe.Writer.WriteAsync(new byte[] { 9, 0, 0 });
        await pipe.Writer.CompleteAsync();
        var reader = new FrameReader(pipe.Reader, FrameLimits.Default);
        var frame = await reader.ReadAsync(CancellationToken.None);
        Assert.Equal((byte)0x10, frame!.Value.Type);
        Assert.Equal(DisconnectReason.IoError,
            (await Assert.ThrowsAsync<NetworkException>(() => reader.ReadAsync(CancellationToken.None).AsTask())).Reason);

        var empty = new Pipe();
        await empty.Writer.CompleteAsync();
        Assert.Null(await new FrameReader(empty.Reader, FrameLimits.Default).ReadAsync(CancellationToken.None));
    }
}
