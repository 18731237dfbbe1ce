using Pocc.Core.Crypto;

namespace Pocc.Network.Handshake;

/// <summary>What one side of a handshake insists on.</summary>
/// <param name="ExpectedPeerKey">For a configured persistent peer: refuse any other key.</param>
public sealed record HandshakeOptions(ushort ProtocolVersion, string ChainId, PublicKey? ExpectedPeerKey = null);
