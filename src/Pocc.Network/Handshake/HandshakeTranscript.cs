using Pocc.Core.Encoding;

namespace Pocc.Network.Handshake;

/// <summary>
/// The bytes each side signs: <c>"pocc/p2p/handshake/v1" ‖ u8 signer role (0 dialer, 1 listener) ‖ u16 version ‖
/// string chain id ‖ dialer key ‖ dialer nonce ‖ listener key ‖ listener nonce</c>.
/// Both fresh nonces make every signature single-use (no replay into another session); both keys and the role
/// stop a man in the middle from reflecting one side's signature back or splicing two sessions; the chain id and
/// the domain tag stop a signature from being valid on another chain or as any other signed object.
/// </summary>
public static class HandshakeTranscript
{
    private static readonly byte[] DomainTag = "pocc/p2p/handshake/v1"u8.ToArray();

    public static byte[] Build(bool signerIsDialer, Hello dialer, Hello listener)
    {
        var writer = new CanonicalWriter(256);
        writer.WriteFixed(DomainTag);
        writer.WriteU8(signerIsDialer ? (byte)0 : (byte)1);
        writer.WriteU16(dialer.ProtocolVersion);
        writer.WriteString(dialer.ChainId);
        writer.WriteFixed(dialer.NodeKey.Bytes);
        writer.WriteFixed(dialer.Nonce);
        writer.WriteFixed(listener.NodeKey.Bytes);
        writer.WriteFixed(listener.Nonce);
        return writer.ToArray();
    }
}
