namespace Pocc.Core.Crypto;

/// <summary>An Ed25519 signature (64 bytes).</summary>
public readonly struct Signature : IEquatable<Signature>
{
    public const int Size = 64;

    private readonly byte[]? _bytes;

    public Signature(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new ArgumentException($"an Ed25519 signature is {Size} bytes, got {bytes.Length}", nameof(bytes));
        }
        _bytes = bytes.ToArray();
    }

    public ReadOnlySpan<byte> Bytes => _bytes ?? new byte[Size];

    public override string ToString() => Convert.ToHexStringLower(Bytes);

    public bool Equals(Signature other) => Bytes.SequenceEqual(other.Bytes);
    public override bool Equals(object? obj) => obj is Signature other && Equals(other);
    public override int GetHashCode() => BitConverter.ToInt32(Bytes);
    public static bool operator ==(Signature left, Signature right) => left.Equals(right);
    public static bool operator !=(Signature left, Signature right) => !left.Equals(right);
}
