using CsCheck;
using Pocc.Core.Addressing;
using Pocc.Core.Hashing;

namespace Pocc.Core.Tests.Addressing;

public class AddressTests
{
    private static readonly Gen<Address> GenAddress = Gen.Byte.Array[Address.Size].Select(bytes => new Address(bytes));

    private const string Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

    [Fact]
    public void Round_trips_through_its_string_form()
    {
        GenAddress.Sample(address => Assert.Equal(address, Address.Parse(address.ToString())));
    }

    [Fact]
    public void Round_trips_through_its_bytes()
    {
        GenAddress.Sample(address => Assert.Equal(address, new Address(address.ToArray())));
    }

    [Fact]
    public void Is_written_as_lower_case_bech32m_with_the_pocc_prefix()
    {
        string text = new Address(Enumerable.Range(1, 20).Select(i => (byte)i).ToArray()).ToString();

        Assert.StartsWith("pocc1", text, StringComparison.Ordinal);
        Assert.Equal(4 + 1 + 32 + 6, text.Length);
        Assert.Equal(text.ToLowerInvariant(), text);
    }

    [Fact]
    public void Derives_from_the_first_20_bytes_of_the_blake3_hash_of_the_public_key()
    {
        byte[] publicKey = Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray();

        var address = Address.FromPublicKey(publicKey);

        Assert.Equal(Blake3Hash.Of(publicKey).ToArray()[..20], address.ToArray());
    }

    [Fact]
    public void Rejects_a_public_key_that_is_not_32_bytes()
    {
        Assert.Throws<ArgumentException>(() => Address.FromPublicKey(new byte[31]));
    }

    [Fact]
    public void Rejects_address_with_one_flipped_character()
    {
        GenAddress.Sample(address =>
        {
            char[] chars = address.ToString().ToCharArray();
            for (int position = 0; position < chars.Length; position++)
            {
                char original = chars[position];
                foreach (char replacement in Charset)
                {
                    if (replacement == original)
                    {
                        continue;
                    }
                    chars[position] = replacement;
                    string typo = new(chars);
                    chars[position] = original;
                    Assert.Throws<FormatException>(() => Address.Parse(typo));
                    Assert.False(Address.TryParse(typo, out _));
                }
            }
        }, iter: 20);
    }

    [Fact]
    public void Rejects_a_mistyped_address_saying_the_checksum_does_not_match()
    {
        string text = new Address(new byte[20]).ToString();
        string typo = string.Concat(text.AsSpan(0, 10), text[10] == 'q' ? "p" : "q", text.AsSpan(11));

        var error = Assert.Throws<FormatException>(() => Address.Parse(typo));

        Assert.Contains("checksum", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_a_valid_bech32m_string_with_another_prefix()
    {
        string foreign = Bech32m.Encode("cosmos", Bech32m.ConvertBits(new byte[20], 8, 5, pad: true));

        var error = Assert.Throws<FormatException>(() => Address.Parse(foreign));

        Assert.Contains("prefix", error.Message, StringComparison.Ordinal);
        Assert.False(Address.TryParse(foreign, out _));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(19)]
    [InlineData(21)]
    [InlineData(32)]
    public void Rejects_a_pocc_string_with_the_wrong_payload_length(int length)
    {
        string text = Bech32m.Encode(Address.Hrp, Bech32m.ConvertBits(new byte[length], 8, 5, pad: true));

        var error = Assert.Throws<FormatException>(() => Address.Parse(text));

        Assert.Contains("expected 32", error.Message, StringComparison.Ordinal);
        Assert.False(Address.TryParse(text, out _));
    }

    [Fact]
    public void Accepts_the_upper_case_form_but_not_mixed_case()
    {
        var address = new Address(Enumerable.Repeat((byte)0xAB, 20).ToArray());
        string text = address.ToString();

        Assert.Equal(address, Address.Parse(text.ToUpperInvariant()));
        Assert.Throws<FormatException>(() => Address.Parse(string.Concat("POCC", text.AsSpan(4))));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("pocc")]
    [InlineData("not an address")]
    public void Try_parse_reports_garbage_without_throwing(string? text)
    {
        Assert.False(Address.TryParse(text, out var address));
        Assert.Equal(Address.Zero, address);
    }

    [Fact]
    public void Orders_like_its_bytes()
    {
        Gen.Select(GenAddress, GenAddress).Sample((a, b) =>
        {
            int byBytes = a.ToArray().AsSpan().SequenceCompareTo(b.ToArray());
            Assert.Equal(Math.Sign(byBytes), Math.Sign(a.CompareTo(b)));
            Assert.Equal(byBytes == 0, a == b);
        });
    }

    [Fact]
    public void Zero_is_the_default_and_has_all_zero_bytes()
    {
        Assert.Equal(default, Address.Zero);
        Assert.Equal(new byte[20], Address.Zero.ToArray());
        Assert.Equal(Address.Zero, Address.Parse(Address.Zero.ToString()));
    }
}
