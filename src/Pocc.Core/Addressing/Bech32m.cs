using System.Diagnostics.CodeAnalysis;

namespace Pocc.Core.Addressing;

/// <summary>
/// Bech32m (BIP-350): a human-readable part, the separator '1', then 5-bit data symbols and a six-symbol
/// BCH checksum that detects any error in up to four characters.
/// </summary>
public static class Bech32m
{
    /// <summary>The longest valid string; beyond it the checksum's detection guarantees no longer hold.</summary>
    public const int MaxLength = 90;

    private const int ChecksumLength = 6;
    private const uint Constant = 0x2bc830a3;
    private const string Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

    // Maps an ASCII code to its 5-bit value, or -1 for characters outside the charset.
    private static readonly sbyte[] CharsetIndex = BuildCharsetIndex();

    /// <summary>Encodes <paramref name="hrp"/> and the 5-bit values in <paramref name="data"/> as a lower-case string.</summary>
    /// <exception cref="ArgumentException">The HRP or the data cannot form a valid string; a caller bug, not user input.</exception>
    public static string Encode(string hrp, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(hrp);
        if (hrp.Length == 0)
        {
            throw new ArgumentException("the human-readable part must not be empty", nameof(hrp));
        }
        int length = hrp.Length + 1 + data.Length + ChecksumLength;
        if (length > MaxLength)
        {
            throw new ArgumentException($"the encoded string would be {length} characters, more than the maximum of {MaxLength}", nameof(data));
        }
        foreach (char c in hrp)
        {
            // Encoders must emit lower case, and the checksum is defined over the lower-case form.
            if (c < 33 || c > 126 || char.IsAsciiLetterUpper(c))
            {
                throw new ArgumentException($"the human-readable part must be lower-case printable ASCII, found '{c}'", nameof(hrp));
            }
        }
        foreach (byte value in data)
        {
            if (value > 31)
            {
                throw new ArgumentException($"data values are 5-bit, found {value}", nameof(data));
            }
        }

        uint checksum = Polymod(HrpChecksum(hrp), data);
        checksum = Polymod(checksum, stackalloc byte[ChecksumLength]) ^ Constant;

        Span<char> chars = stackalloc char[length];
        hrp.CopyTo(chars);
        int position = hrp.Length;
        chars[position++] = '1';
        foreach (byte value in data)
        {
            chars[position++] = Charset[value];
        }
        for (int i = 0; i < ChecksumLength; i++)
        {
            chars[position++] = Charset[(int)(checksum >> (5 * (ChecksumLength - 1 - i))) & 31];
        }
        return new string(chars);
    }

    /// <summary>Decodes a Bech32m string into its lower-case HRP and its 5-bit data values (checksum removed).</summary>
    /// <exception cref="FormatException">The string is not valid Bech32m; the message says why.</exception>
    public static (string Hrp, byte[] Data) Decode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!TryDecode(text, out string? hrp, out byte[]? data, out string? error))
        {
            throw new FormatException(error);
        }
        return (hrp, data);
    }

    /// <summary>Like <see cref="Decode"/>, but reports failure instead of throwing.</summary>
    public static bool TryDecode(string? text, [NotNullWhen(true)] out string? hrp, [NotNullWhen(true)] out byte[]? data) =>
        TryDecode(text, out hrp, out data, out _);

    /// <summary>Like <see cref="Decode"/>, and on failure gives the reason in <paramref name="error"/>.</summary>
    public static bool TryDecode(
        string? text,
        [NotNullWhen(true)] out string? hrp,
        [NotNullWhen(true)] out byte[]? data,
        [NotNullWhen(false)] out string? error)
    {
        hrp = null;
        data = null;
        if (text is null)
        {
            error = "the string is null";
            return false;
        }
        if (text.Length > MaxLength)
        {
            error = $"the string is {text.Length} characters, more than the maximum of {MaxLength}";
            return false;
        }

        bool hasLower = false, hasUpper = false;
        foreach (char c in text)
        {
            if (c < 33 || c > 126)
            {
                error = $"the string contains a character outside printable ASCII (U+{(int)c:X4})";
                return false;
            }
            hasLower |= char.IsAsciiLetterLower(c);
            hasUpper |= char.IsAsciiLetterUpper(c);
        }
        if (hasLower && hasUpper)
        {
            error = "the string mixes upper and lower case";
            return false;
        }

        // The HRP may itself contain '1', so the separator is the last one.
        int separator = text.LastIndexOf('1');
        if (separator < 0)
        {
            error = "the string has no '1' separator";
            return false;
        }
        if (separator == 0)
        {
            error = "the human-readable part is empty";
            return false;
        }
        int dataLength = text.Length - separator - 1;
        if (dataLength < ChecksumLength)
        {
            error = $"the part after the separator is {dataLength} characters, shorter than the {ChecksumLength}-character checksum";
            return false;
        }

        string lowerHrp = text[..separator].ToLowerInvariant();
        var values = new byte[dataLength];
        for (int i = 0; i < dataLength; i++)
        {
            char c = text[separator + 1 + i];
            int value = CharsetIndex[c];
            if (value < 0)
            {
                error = $"'{c}' at position {separator + 1 + i} is not a Bech32 data character";
                return false;
            }
            values[i] = (byte)value;
        }
        if (Polymod(HrpChecksum(lowerHrp), values) != Constant)
        {
            error = "the checksum does not match (a character is mistyped, or the string is not Bech32m)";
            return false;
        }

        hrp = lowerHrp;
        data = values[..^ChecksumLength];
        error = null;
        return true;
    }

    /// <summary>
    /// Regroups <paramref name="data"/> from <paramref name="fromBits"/>-bit to <paramref name="toBits"/>-bit values, MSB first.
    /// With <paramref name="pad"/> the last group is zero-padded (encoding bytes as 5-bit symbols); without it the leftover
    /// must be fewer than <paramref name="fromBits"/> bits and all zero (decoding symbols back to bytes), as BIP-173 requires.
    /// </summary>
    /// <exception cref="FormatException">An input value does not fit in <paramref name="fromBits"/>, or the padding is invalid.</exception>
    public static byte[] ConvertBits(ReadOnlySpan<byte> data, int fromBits, int toBits, bool pad)
    {
        if (!TryConvertBits(data, fromBits, toBits, pad, out byte[]? result, out string? error))
        {
            throw new FormatException(error);
        }
        return result;
    }

    /// <summary>Like <see cref="ConvertBits"/>, but reports failure instead of throwing.</summary>
    public static bool TryConvertBits(ReadOnlySpan<byte> data, int fromBits, int toBits, bool pad, [NotNullWhen(true)] out byte[]? result) =>
        TryConvertBits(data, fromBits, toBits, pad, out result, out _);

    private static bool TryConvertBits(
        ReadOnlySpan<byte> data,
        int fromBits,
        int toBits,
        bool pad,
        [NotNullWhen(true)] out byte[]? result,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fromBits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fromBits, 8);
        ArgumentOutOfRangeException.ThrowIfLessThan(toBits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(toBits, 8);

        result = null;
        long totalBits = (long)data.Length * fromBits;
        var output = new byte[(int)(pad ? (totalBits + toBits - 1) / toBits : totalBits / toBits)];
        int accumulator = 0, bits = 0, position = 0;
        int maxOut = (1 << toBits) - 1;
        foreach (byte value in data)
        {
            if (value >> fromBits != 0)
            {
                error = $"value {value} does not fit in {fromBits} bits";
                return false;
            }
            accumulator = (accumulator << fromBits) | value;
            bits += fromBits;
            while (bits >= toBits)
            {
                bits -= toBits;
                output[position++] = (byte)((accumulator >> bits) & maxOut);
            }
            // Only the low `bits` bits are still pending; dropping the rest keeps the accumulator small.
            accumulator &= (1 << bits) - 1;
        }
        if (pad)
        {
            if (bits > 0)
            {
                output[position] = (byte)((accumulator << (toBits - bits)) & maxOut);
            }
        }
        else if (bits >= fromBits)
        {
            error = $"{bits} bits of padding, but padding must be shorter than {fromBits} bits";
            return false;
        }
        else if (accumulator != 0)
        {
            error = "the padding bits are not zero";
            return false;
        }

        result = output;
        error = null;
        return true;
    }

    // The checksum state after the expanded HRP: high bits of each character, a zero, then the low bits.
    private static uint HrpChecksum(string hrp)
    {
        uint checksum = 1;
        foreach (char c in hrp)
        {
            checksum = Step(checksum, (byte)(c >> 5));
        }
        checksum = Step(checksum, 0);
        foreach (char c in hrp)
        {
            checksum = Step(checksum, (byte)(c & 31));
        }
        return checksum;
    }

    private static uint Polymod(uint checksum, ReadOnlySpan<byte> values)
    {
        foreach (byte value in values)
        {
            checksum = Step(checksum, value);
        }
        return checksum;
    }

    private static uint Step(uint checksum, byte value)
    {
        uint top = checksum >> 25;
        checksum = ((checksum & 0x1ffffff) << 5) ^ value;
        if ((top & 1) != 0) checksum ^= 0x3b6a57b2;
        if ((top & 2) != 0) checksum ^= 0x26508e6d;
        if ((top & 4) != 0) checksum ^= 0x1ea119fa;
        if ((top & 8) != 0) checksum ^= 0x3d4233dd;
        if ((top & 16) != 0) checksum ^= 0x2a1462b3;
        return checksum;
    }

    private static sbyte[] BuildCharsetIndex()
    {
        var index = new sbyte[128];
        Array.Fill(index, (sbyte)-1);
        for (int i = 0; i < Charset.Length; i++)
        {
            index[Charset[i]] = (sbyte)i;
            index[char.ToUpperInvariant(Charset[i])] = (sbyte)i;
        }
        return index;
    }
}
