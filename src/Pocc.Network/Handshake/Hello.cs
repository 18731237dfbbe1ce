using Pocc.Core.Crypto;
using Pocc.Core.Encoding;

namespace Pocc.Network.Handshake;

/// <summary>
/// The first frame each side sends: <c>u16 protocol version ‖ string chain id (u32 length + UTF-8) ‖ 32-byte
/// Ed25519 public key ‖ 32-byte random nonce</c>, all little-endian in the canonical codec.
/// The version comes first so a future layout can still be told apart.
/// </summary>
public sealed record Hello(ushort ProtocolVersion, string ChainId, PublicKey NodeKey, byte[] Nonce)
{
    public const int NonceSize = 32;
    public const int MaxChainIdBytes = 64;

    /// <summary>An upper bound of the encoded size; the handshake's frame limit.</summary>
    public const int MaxEncodedSize = 2 + 4 + MaxChainIdBytes + PublicKey.Size + NonceSize;

    public byte[] Encode()
    {
        var writer = new CanonicalWriter(MaxEncodedSize);
        writer.WriteU16(ProtocolVersion);
        writer.WriteString(ChainId);
        writer.WriteFixed(NodeKey.Bytes);
        writer.WriteFixed(Nonce);
        return writer.ToArray();
    }

    /// <exception cref="CodecException">The payload is truncated, too long or not UTF-8.</exception>
    public static Hello Decode(ReadOnlySpan<byte> payload)
    {
        var reader = new CanonicalReader(payload);
        ushort version = reader.ReadU16();
        string chainId = reader.ReadString(MaxChainIdBytes);
        var key = new PublicKey(reader.ReadFixed(PublicKey.Size));
        byte[] nonce = reader.ReadFixed(NonceSize).ToArray();
        reader.EnsureEnd();
        return new Hello(version, chainId, key, nonce);
    }
}
