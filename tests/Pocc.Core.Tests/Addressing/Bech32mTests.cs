using CsCheck;
using Pocc.Core.Addressing;

namespace Pocc.Core.Tests.Addressing;

public class Bech32mTests
{
    // BIP-350, "Test vectors for Bech32m": strings that are valid Bech32m.
    public static TheoryData<string> ValidVectors =>
    [
        "A1LQFN3A",
        "a1lqfn3a",
        "an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6",
        "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
        "11llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllludsr8",
        "split1checkupstagehandshakeupstreamerranterredcaperredlc445v",
        "?1v759aa",
    ];

    // BIP-350, "Test vectors for Bech32m": strings that are not valid Bech32m, with the reason we report.
    public static TheoryData<string, string> InvalidVectors => new()
    {
        { "\u0020" + "1xj0phk", "outside printable ASCII" },
        { "\u007F" + "1g6xzxy", "outside printable ASCII" },
        { "\u0080" + "1vctc34", "outside printable ASCII" },
        { "an84characterslonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11d6pts4", "maximum of 90" },
        { "qyrz8wqd2c9m", "no '1' separator" },
        { "1qyrz8wqd2c9m", "human-readable part is empty" },
        { "y1b0jsk6g", "not a Bech32 data character" },
        { "lt1igcx5c0", "not a Bech32 data character" },
        { "in1muywd", "shorter than the 6-character checksum" },
        { "mm1crxm3i", "not a Bech32 data character" },
        { "au1s5cgom", "not a Bech32 data character" },
        { "M1VUXWEZ", "checksum" },
        { "16plkw9", "human-readable part is empty" },
        { "1p2gdwpf", "human-readable part is empty" },
    };

    // BIP-350 segwit vectors whose checksum is Bech32, not Bech32m, or that are otherwise malformed as Bech32m strings.
    public static TheoryData<string> InvalidSegwitStrings =>
    [
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",
        "tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf",
        "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",
        "bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4",
        "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq",
    ];

    [Theory]
    [MemberData(nameof(ValidVectors))]
    public void Accepts_the_valid_BIP350_vectors(string text)
    {
        Assert.True(Bech32m.TryDecode(text, out _, out _));
    }

    [Theory]
    [MemberData(nameof(ValidVectors))]
    public void Re_encodes_the_valid_BIP350_vectors_to_their_lower_case_form(string text)
    {
        var (hrp, data) = Bech32m.Decode(text);

        Assert.Equal(text.ToLowerInvariant(), Bech32m.Encode(hrp, data));
    }

    [Theory]
    [MemberData(nameof(InvalidVectors))]
    public void Rejects_the_invalid_BIP350_vectors_with_the_reason(string text, string reason)
    {
        var error = Assert.Throws<FormatException>(() => Bech32m.Decode(text));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.False(Bech32m.TryDecode(text, out _, out _));
    }

    [Theory]
    [MemberData(nameof(InvalidSegwitStrings))]
    public void Rejects_bech32_checksums_bad_checksum_characters_and_mixed_case(string text)
    {
        Assert.False(Bech32m.TryDecode(text, out _, out _));
    }

    [Fact]
    public void Decodes_the_BIP350_taproot_address_to_its_witness_program()
    {
        var (hrp, data) = Bech32m.Decode("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0");

        Assert.Equal("bc", hrp);
        Assert.Equal(1, data[0]);
        byte[] program = Bech32m.ConvertBits(data.AsSpan(1), 5, 8, pad: false);
        Assert.Equal("79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798", Convert.ToHexStringLower(program));
    }

    [Theory]
    [InlineData("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf", "padding must be shorter")]
    [InlineData("tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j", "padding bits are not zero")]
    public void Rejects_invalid_padding_when_converting_symbols_back_to_bytes(string text, string reason)
    {
        var (_, data) = Bech32m.Decode(text);

        var error = Assert.Throws<FormatException>(() => Bech32m.ConvertBits(data.AsSpan(1), 5, 8, pad: false));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pads_the_last_group_with_zero_bits_when_converting_bytes_to_symbols()
    {
        // 0xFF = 11111 111 -> 11111, 11100
        Assert.Equal([31, 28], Bech32m.ConvertBits([0xFF], 8, 5, pad: true));
    }

    [Fact]
    public void Rejects_values_wider_than_the_source_group()
    {
        Assert.Throws<FormatException>(() => Bech32m.ConvertBits([32], 5, 8, pad: false));
    }

    [Fact]
    public void Refuses_to_encode_an_upper_case_hrp_out_of_range_data_or_an_overlong_string()
    {
        Assert.Throws<ArgumentException>(() => Bech32m.Encode("Pocc", [0]));
        Assert.Throws<ArgumentException>(() => Bech32m.Encode("pocc", [32]));
        Assert.Throws<ArgumentException>(() => Bech32m.Encode("", [0]));
        Assert.Throws<ArgumentException>(() => Bech32m.Encode("pocc", new byte[80]));
    }

    [Fact]
    public void Round_trips_random_hrps_and_bytes()
    {
        var gen = Gen.Select(Gen.Char['a', 'z'].Array[1, 10], Gen.Byte.Array[0, 40]);
        gen.Sample((hrpChars, bytes) =>
        {
            string hrp = new(hrpChars);
            string text = Bech32m.Encode(hrp, Bech32m.ConvertBits(bytes, 8, 5, pad: true));

            var (decodedHrp, data) = Bech32m.Decode(text);

            Assert.Equal(hrp, decodedHrp);
            Assert.Equal(bytes, Bech32m.ConvertBits(data, 5, 8, pad: false));
        });
    }

    [Fact]
    public void Rejects_every_single_character_substitution()
    {
        var gen = Gen.Select(Gen.Char['a', 'z'].Array[1, 8], Gen.Byte.Array[0, 32]);
        gen.Sample((hrpChars, bytes) =>
        {
            string text = Bech32m.Encode(new string(hrpChars), Bech32m.ConvertBits(bytes, 8, 5, pad: true));
            AssertEverySubstitutionRejected(text);
        }, iter: 40);
    }

    [Theory]
    [MemberData(nameof(ValidVectors))]
    public void Rejects_every_single_character_substitution_of_the_BIP350_vectors(string text)
    {
        AssertEverySubstitutionRejected(text);
    }

    private static void AssertEverySubstitutionRejected(string text)
    {
        char[] chars = text.ToCharArray();
        for (int position = 0; position < chars.Length; position++)
        {
            char original = chars[position];
            for (char replacement = (char)33; replacement <= 126; replacement++)
            {
                if (replacement == original)
                {
                    continue;
                }
                chars[position] = replacement;
                string mutated = new(chars);
                chars[position] = original;
                // Flipping the case of the only letter leaves a single-case string, which Bech32 treats as the same string.
                bool singleCase = !mutated.Any(char.IsAsciiLetterUpper) || !mutated.Any(char.IsAsciiLetterLower);
                if (singleCase && string.Equals(mutated, text, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }
                Assert.False(Bech32m.TryDecode(mutated, out _, out _), $"accepted '{mutated}'");
            }
        }
    }
}
