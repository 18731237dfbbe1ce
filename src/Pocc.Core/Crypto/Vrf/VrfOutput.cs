namespace Pocc.Core.Crypto.Vrf;

/// <summary>The VRF output beta (64 bytes): the same for every valid proof of one key and input.</summary>
public readonly struct VrfOutput : IEquatable<VrfOutput>
{
    public const int Size = 64;

    private readonly byte[]? _bytes;

    public VrfOutput(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new ArgumentException($"a VRF output is {Size} bytes, got {bytes.Length}", nameof(bytes));
        }
        _bytes = bytes.ToArray();
    }

    public ReadOnlySpan<byte> Bytes => _bytes ?? new byte[Size];

    public override string ToString() => Convert.ToHexStringLower(Bytes);

    public bool Equals(VrfOutput other) => Bytes.SequenceEqual(other.Bytes);
    public override bool Equals(object? obj) => obj is VrfOutput other && Equals(other);
    public override int GetHashCode() => BitConverter.ToInt32(Bytes);
    public static bool operator ==(VrfOutput left, VrfOutput right) => left.Equals(right);
    public static bool operator !=(VrfOutput left, VrfOutput right) => !left.Equals(right);
}
