using CsCheck;
using Pocc.Core.Encoding;

namespace Pocc.Ledger.Tests.Codecs;

/// <summary>What every consensus codec must do with bytes that are not exactly one canonical encoding.</summary>
public sealed class CanonicalCodecTests
{
    public static TheoryData<string> Codecs => Codec.Names;

    [Theory]
    [MemberData(nameof(Codecs))]
    public void Valid_encodings_decode_and_re_encode_byte_identically(string name)
    {
        var codec = Codec.All[name];
        codec.Encodings.Sample(bytes =>
        {
            Assert.Null(codec.TryDecode(bytes, out var reencoded));
            Assert.Equal(bytes, reencoded);
        }, iter: 200);
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public void Rejects_trailing_bytes(string name)
    {
        var codec = Codec.All[name];
        Gen.Select(codec.Encodings, Gen.Byte.Array[1, 8]).Sample((bytes, extra) =>
        {
            var error = codec.DecodeFails([.. bytes, .. extra]);
            Assert.Equal(CodecException.TrailingBytes, error.Code);
        }, iter: 100);
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public void Rejects_every_truncation_as_truncated(string name)
    {
        var codec = Codec.All[name];
        codec.Encodings.Sample(bytes =>
        {
            for (int length = 0; length < bytes.Length; length++)
            {
                var error = codec.DecodeFails(bytes[..length]);
                Assert.True(error.Code == CodecException.Truncated, $"prefix of {length} of {bytes.Length} bytes failed with {error.Code}: {error.Message}");
            }
        }, iter: 30);
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public void Rejects_an_unknown_version(string name)
    {
        var codec = Codec.All[name];
        // Any version byte but the codec's own: shifting it by 1..255 (mod 256) never lands back on it.
        Gen.Select(codec.Encodings, Gen.Int[1, 255]).Sample((bytes, shift) =>
        {
            bytes[0] = (byte)(bytes[0] + shift);
            Assert.Equal(CodecException.UnknownVersion, codec.DecodeFails(bytes).Code);
        }, iter: 50);
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public void Mutated_encodings_either_fail_with_a_codec_exception_or_are_canonical(string name)
    {
        var codec = Codec.All[name];
        var mutation = Gen.Select(Gen.Int[0, 2], Gen.Int.NonNegative, Gen.Byte.Array[1, 4]);
        Gen.Select(codec.Encodings, mutation.Array[1, 3]).Sample((bytes, mutations) =>
        {
            var mutated = bytes.ToList();
            foreach (var (kind, position, values) in mutations)
            {
                int at = mutated.Count == 0 ? 0 : position % mutated.Count;
                switch (kind)
                {
                    case 0 when mutated.Count > 0:
                        for (int i = 0; i < values.Length && at + i < mutated.Count; i++)
                        {
                            mutated[at + i] ^= values[i] == 0 ? (byte)1 : values[i];
                        }
                        break;
                    case 1:
                        mutated.InsertRange(at, values);
                        break;
                    default:
                        mutated.RemoveRange(at, Math.Min(values.Length, mutated.Count - at));
                        break;
                }
            }
            byte[] input = [.. mutated];
            // Whatever a decoder accepts must be the one canonical encoding of what it decoded.
            if (codec.TryDecode(input, out var reencoded) is null)
            {
                Assert.Equal(input, reencoded);
            }
        }, iter: 500);
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public void Random_bytes_only_ever_fail_with_a_codec_exception(string name)
    {
        var codec = Codec.All[name];
        // Half the inputs start with the right version byte so decoding gets past the first check.
        Gen.Select(Gen.Bool, Gen.Byte.Array[0, 600]).Sample((versioned, bytes) =>
        {
            if (versioned && bytes.Length > 0)
            {
                bytes[0] = 1;
            }
            if (codec.TryDecode(bytes, out var reencoded) is null)
            {
                Assert.Equal(bytes, reencoded);
            }
        }, iter: 2000);
    }
}
