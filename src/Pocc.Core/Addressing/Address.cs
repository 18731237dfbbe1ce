using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using Pocc.Core.Hashing;

namespace Pocc.Core.Addressing;

/// <summary>
/// An account address: the first 20 bytes of BLAKE3(Ed25519 public key), written as Bech32m with the prefix "pocc".
/// Compared as big-endian bytes.
/// </summary>
public readonly struct Address : IEquatable<Address>, IComparable<Address>
{
    public const int Size = 20;

    /// <summary>The Bech32m human-readable part; every address string starts with "pocc1".</summary>
    public const string Hrp = "pocc";

    // 20 bytes is exactly 32 five-bit symbols, so a valid address has no padding to check.
    private const int SymbolCount = Size * 8 / 5;

    // Big-endian words so ordering by (_a,_b,_c) equals lexicographic byte order.
    private readonly ulong _a, _b;
    private readonly uint _c;

    public static readonly Address Zero;

    public Address(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new ArgumentException($"an address is {Size} bytes, got {bytes.Length}", nameof(bytes));
        }
        _a = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _b = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        _c = BinaryPrimitives.ReadUInt32BigEndian(bytes[16..]);
    }

    /// <summary>The address controlled by an Ed25519 public key.</summary>
    public static Address FromPublicKey(ReadOnlySpan<byte> ed25519PublicKey)
    {
        if (ed25519PublicKey.Length != 32)
        {
            throw new ArgumentException($"an Ed25519 public key is 32 bytes, got {ed25519PublicKey.Length}", nameof(ed25519PublicKey));
        }
        Span<byte> digest = stackalloc byte[Hash32.Size];
        Blake3Hash.Of(ed25519PublicKey).CopyTo(digest);
        return new Address(digest[..Size]);
    }

    public void CopyTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _a);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _b);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], _c);
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Size];
        CopyTo(bytes);
        return bytes;
    }

    /// <summary>Parses a "pocc1…" string; upper case is accepted (as in QR codes), mixed case is not.</summary>
    /// <exception cref="FormatException">The string is not a valid address; the message says why.</exception>
    public static Address Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!TryParse(text, out var address, out string? error))
        {
            throw new FormatException($"invalid address '{text}': {error}");
        }
        return address;
    }

    public static bool TryParse([NotNullWhen(true)] string? text, out Address address) => TryParse(text, out address, out _);

    private static bool TryParse(string? text, out Address address, [NotNullWhen(false)] out string? error)
    {
        address = default;
        if (!Bech32m.TryDecode(text, out string? hrp, out byte[]? symbols, out error))
        {
            return false;
        }
        if (hrp != Hrp)
        {
            error = $"the prefix is '{hrp}1', expected '{Hrp}1'";
            return false;
        }
        if (symbols.Length != SymbolCount)
        {
            error = $"the payload is {symbols.Length} symbols ({symbols.Length * 5 / 8} bytes), expected {SymbolCount} ({Size} bytes)";
            return false;
        }
        byte[] bytes = Bech32m.ConvertBits(symbols, 5, 8, pad: false);
        address = new Address(bytes);
        return true;
    }

    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[Size];
        CopyTo(bytes);
        return Bech32m.Encode(Hrp, Bech32m.ConvertBits(bytes, 8, 5, pad: true));
    }

    public bool Equals(Address other) => _a == other._a && _b == other._b && _c == other._c;
    public override bool Equals(object? obj) => obj is Address other && Equals(other);
    public override int GetHashCode() => HashCode.Combine(_a, _b, _c);

    public int CompareTo(Address other)
    {
        int c = _a.CompareTo(other._a);
        if (c != 0) return c;
        c = _b.CompareTo(other._b);
        return c != 0 ? c : _c.CompareTo(other._c);
    }

    public static bool operator ==(Address left, Address right) => left.Equals(right);
    public static bool operator !=(Address left, Address right) => !left.Equals(right);
    public static bool operator <(Address left, Address right) => left.CompareTo(right) < 0;
    public static bool operator >(Address left, Address right) => left.CompareTo(right) > 0;
    public static bool operator <=(Address left, Address right) => left.CompareTo(right) <= 0;
    public static bool operator >=(Address left, Address right) => left.CompareTo(right) >= 0;
}
