using Pocc.Core.Addressing;

namespace Pocc.Core.Crypto;

/// <summary>An Ed25519 public key (32 bytes).</summary>
public readonly struct PublicKey : IEquatable<PublicKey>
{
    public const int Size = 32;

    private readonly byte[]? _bytes;
    private readonly Address _address;

    public PublicKey(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new ArgumentException($"an Ed25519 public key is {Size} bytes, got {bytes.Length}", nameof(bytes));
        }
        _bytes = bytes.ToArray();
        // Derived once here: the address of a transaction's sender is read on every hot path.
        _address = Address.FromPublicKey(bytes);
    }

    public ReadOnlySpan<byte> Bytes => _bytes ?? new byte[Size];

    public Address Address => _bytes is null ? Address.FromPublicKey(Bytes) : _address;

    public static PublicKey Parse(string hex)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            throw new FormatException("a public key is 64 hexadecimal characters");
        }
        if (bytes.Length != Size)
        {
            throw new FormatException("a public key is 64 hexadecimal characters");
        }
        return new PublicKey(bytes);
    }

    public override string ToString() => Convert.ToHexStringLower(Bytes);

    public bool Equals(PublicKey other) => Bytes.SequenceEqual(other.Bytes);
    public override bool Equals(object? obj) => obj is PublicKey other && Equals(other);
    public override int GetHashCode() => BitConverter.ToInt32(Bytes);
    public static bool operator ==(PublicKey left, PublicKey right) => left.Equals(right);
    public static bool operator !=(PublicKey left, PublicKey right) => !left.Equals(right);
}
