namespace Pocc.Core.Crypto.Vrf;

/// <summary>
/// An ECVRF-EDWARDS25519-SHA512-ELL2 proof pi = Gamma (32) || c (16) || s (32), as RFC 9381 encodes it. Holding one
/// says nothing about validity: only <see cref="Ecvrf.Verify"/> does.
/// </summary>
public readonly struct VrfProof : IEquatable<VrfProof>
{
    public const int Size = 80;
    public const int GammaSize = 32;
    public const int ChallengeSize = 16;
    public const int ResponseSize = 32;

    private readonly byte[]? _bytes;

    public VrfProof(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new ArgumentException($"an ECVRF proof is {Size} bytes, got {bytes.Length}", nameof(bytes));
        }
        _bytes = bytes.ToArray();
    }

    public ReadOnlySpan<byte> Bytes => _bytes ?? new byte[Size];

    /// <summary>The point Gamma = x·H whose cofactor multiple determines the output.</summary>
    public ReadOnlySpan<byte> Gamma => Bytes[..GammaSize];

    /// <summary>The challenge c, little-endian.</summary>
    public ReadOnlySpan<byte> Challenge => Bytes.Slice(GammaSize, ChallengeSize);

    /// <summary>The response s, little-endian; valid proofs have s &lt; L.</summary>
    public ReadOnlySpan<byte> Response => Bytes[(GammaSize + ChallengeSize)..];

    public static VrfProof Parse(string hex)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            throw new FormatException($"a VRF proof is {2 * Size} hexadecimal characters");
        }
        if (bytes.Length != Size)
        {
            throw new FormatException($"a VRF proof is {2 * Size} hexadecimal characters");
        }
        return new VrfProof(bytes);
    }

    public override string ToString() => Convert.ToHexStringLower(Bytes);

    public bool Equals(VrfProof other) => Bytes.SequenceEqual(other.Bytes);
    public override bool Equals(object? obj) => obj is VrfProof other && Equals(other);
    public override int GetHashCode() => BitConverter.ToInt32(Bytes);
    public static bool operator ==(VrfProof left, VrfProof right) => left.Equals(right);
    public static bool operator !=(VrfProof left, VrfProof right) => !left.Equals(right);
}
