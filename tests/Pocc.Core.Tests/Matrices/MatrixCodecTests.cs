using System.Buffers.Binary;
using CsCheck;
using Pocc.Core.Hashing;
using Pocc.Core.Matrices;
using Pocc.Core.Numerics;

namespace Pocc.Core.Tests.Matrices;

public class MatrixCodecTests
{
    private const long Limit = 1 << 20;

    private static MatrixFormatException DecodeError(byte[] blob, long limit = Limit) =>
        Assert.Throws<MatrixFormatException>(() => MatrixCodec.Decode(blob, limit));

    private static MatrixFormatException StreamError(byte[] blob, long limit = Limit) =>
        Assert.Throws<MatrixFormatException>(() => MatrixCodec.ReadFrom(new MemoryStream(blob), limit));

    // Every corruption must be reported with the same code by the span and the stream decoders.
    private static void AssertRejected(byte[] blob, string code, long limit = Limit)
    {
        Assert.Equal(code, DecodeError(blob, limit).Code);
        Assert.Equal(code, StreamError(blob, limit).Code);
        var asyncError = Assert.ThrowsAsync<MatrixFormatException>(() => MatrixCodec.ReadFromAsync(new MemoryStream(blob), limit)).GetAwaiter().GetResult();
        Assert.Equal(code, asyncError.Code);
    }

    [Fact]
    public void Header_layout_is_as_documented()
    {
        var blob = Matrix.FromMod61(2, 3, [1, 2, 3, 4, 5, 6]).Encode();

        Assert.Equal("PMAT"u8.ToArray(), blob[..4]);
        Assert.Equal(1, blob[4]);
        Assert.Equal(2, blob[5]);
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32LittleEndian(blob.AsSpan(6)));
        Assert.Equal(3u, BinaryPrimitives.ReadUInt32LittleEndian(blob.AsSpan(10)));
        Assert.Equal(14 + 6 * 8, blob.Length);
        Assert.Equal(6UL, BinaryPrimitives.ReadUInt64LittleEndian(blob.AsSpan(14 + 5 * 8)));
    }

    [Fact]
    public void Round_trips_through_bytes() =>
        MatrixGen.Any.Sample(m => Assert.True(MatrixCodec.Decode(m.Encode(), Limit).ContentEquals(m)));

    [Fact]
    public void Round_trips_through_streams() =>
        MatrixGen.Any.Sample(m =>
        {
            using var stream = new MemoryStream();
            MatrixCodec.WriteTo(m, stream);
            Assert.Equal(m.Encode(), stream.ToArray());
            stream.Position = 0;
            Assert.True(MatrixCodec.ReadFrom(stream, Limit).ContentEquals(m));
        }, iter: 300);

    [Fact]
    public async Task Round_trips_a_multi_chunk_matrix_through_async_streams()
    {
        // 600×300×8 bytes is more than one 1 MiB chunk, so chunk boundaries are crossed.
        var m = Matrix.Random(600, 300, MatrixElementType.Mod61, MatrixGen.Seed(1));
        using var stream = new MemoryStream();

        await MatrixCodec.WriteToAsync(m, stream);
        stream.Position = 0;
        var back = await MatrixCodec.ReadFromAsync(stream, 600 * 300 * 8);

        Assert.Equal(m.Encode(), stream.ToArray());
        Assert.True(back.ContentEquals(m));
    }

    [Fact]
    public void Reads_from_a_stream_that_returns_one_byte_at_a_time()
    {
        var m = Matrix.Random(3, 5, MatrixElementType.Float64, MatrixGen.Seed(2));

        var back = MatrixCodec.ReadFrom(new TrickleStream(m.Encode()), Limit);

        Assert.True(back.ContentEquals(m));
    }

    [Fact]
    public void HashEncoded_is_BLAKE3_of_the_blob() =>
        MatrixGen.Any.Sample(m => Assert.Equal(Blake3Hash.Of(m.Encode()), MatrixCodec.HashEncoded(m)), iter: 100);

    [Fact]
    public void Rejects_a_bad_magic() =>
        Gen.Select(MatrixGen.Any, Gen.Int[0, 3], Gen.Byte).Where((m, i, b) => "PMAT"u8[i] != b).Sample((m, i, b) =>
        {
            var blob = m.Encode();
            blob[i] = b;
            AssertRejected(blob, MatrixFormatException.BadMagic);
        }, iter: 100);

    [Fact]
    public void Rejects_an_unknown_version() =>
        Gen.Select(MatrixGen.Any, Gen.Byte.Where(b => b != 1)).Sample((m, v) =>
        {
            var blob = m.Encode();
            blob[4] = v;
            AssertRejected(blob, MatrixFormatException.BadVersion);
        }, iter: 100);

    [Fact]
    public void Rejects_an_unknown_element_type() =>
        Gen.Select(MatrixGen.Any, Gen.Byte.Where(b => b is not (1 or 2))).Sample((m, t) =>
        {
            var blob = m.Encode();
            blob[5] = t;
            AssertRejected(blob, MatrixFormatException.BadElementType);
        }, iter: 100);

    [Theory]
    [InlineData(0u, 3u)]
    [InlineData(3u, 0u)]
    [InlineData(0u, 0u)]
    public void Rejects_zero_dimensions(uint rows, uint cols)
    {
        var blob = Matrix.FromFloat64(1, 1, [1]).Encode();
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(6), rows);
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(10), cols);

        AssertRejected(blob, MatrixFormatException.BadDimensions);
    }

    [Fact]
    public void Rejects_dimensions_over_the_limit_before_reading_the_payload()
    {
        // A header that claims 2^32−1 squared elements must fail on the header alone.
        var header = Matrix.FromFloat64(1, 1, [1]).Encode()[..14];
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(6), uint.MaxValue);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(10), uint.MaxValue);
        AssertRejected(header, MatrixFormatException.TooLarge, long.MaxValue);

        var m = Matrix.Random(10, 10, MatrixElementType.Mod61, MatrixGen.Seed(3));
        Assert.True(MatrixCodec.Decode(m.Encode(), 800).ContentEquals(m));
        AssertRejected(m.Encode(), MatrixFormatException.TooLarge, 799);
    }

    [Fact]
    public void Rejects_truncation_anywhere() =>
        Gen.Select(MatrixGen.Any, Gen.Int.NonNegative).Sample((m, cut) =>
        {
            var blob = m.Encode();
            var shorter = blob[..(cut % blob.Length)];
            // Cutting inside the magic leaves a prefix of "PMAT", which is not yet a bad magic.
            AssertRejected(shorter, MatrixFormatException.Truncated);
        }, iter: 300);

    [Fact]
    public void Rejects_trailing_bytes() =>
        Gen.Select(MatrixGen.Any, Gen.Byte.Array[1, 20]).Sample((m, extra) =>
        {
            AssertRejected([.. m.Encode(), .. extra], MatrixFormatException.TrailingBytes);
        }, iter: 100);

    [Fact]
    public void Rejects_mod61_elements_not_below_p() =>
        Gen.Select(MatrixGen.OfMod61, Gen.Int.NonNegative, Gen.ULong[Mod61.P, ulong.MaxValue]).Sample((m, pick, bad) =>
        {
            var blob = m.Encode();
            int index = pick % (int)m.ElementCount;
            BinaryPrimitives.WriteUInt64LittleEndian(blob.AsSpan(14 + 8 * index), bad);
            AssertRejected(blob, MatrixFormatException.ElementOutOfRange);
        }, iter: 200);

    [Fact]
    public void Rejects_non_finite_float64_elements() =>
        Gen.Select(MatrixGen.OfFloat64, Gen.Int.NonNegative, Gen.OneOf(Gen.OneOf(double.NaN, double.PositiveInfinity, double.NegativeInfinity), Gen.ULong.Select(bits => BitConverter.UInt64BitsToDouble(bits | 0x7FF0_0000_0000_0000))))
            .Sample((m, pick, bad) =>
            {
                var blob = m.Encode();
                int index = pick % (int)m.ElementCount;
                BinaryPrimitives.WriteDoubleLittleEndian(blob.AsSpan(14 + 8 * index), bad);
                AssertRejected(blob, MatrixFormatException.NonFinite);
            }, iter: 200);

    [Fact]
    public void Refuses_to_encode_non_finite_float64()
    {
        var m = Matrix.FromFloat64(1, 2, [1, double.NaN]);

        Assert.Equal(MatrixFormatException.NonFinite, Assert.Throws<MatrixFormatException>(() => m.Encode()).Code);
        Assert.Equal(MatrixFormatException.NonFinite, Assert.Throws<MatrixFormatException>(() => MatrixCodec.WriteTo(m, new MemoryStream())).Code);
    }

    [Fact]
    public void Decoded_header_reports_sizes()
    {
        var header = MatrixCodec.ReadHeader(Matrix.Random(4, 6, MatrixElementType.Float64, MatrixGen.Seed(4)).Encode(), Limit);

        Assert.Equal(new MatrixHeader(MatrixElementType.Float64, 4, 6), header);
        Assert.Equal(14 + 4 * 6 * 8, header.EncodedLength);
    }

    private sealed class TrickleStream(byte[] data) : MemoryStream(data)
    {
        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(1, buffer.Length)]);

        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(1, count));
    }
}
