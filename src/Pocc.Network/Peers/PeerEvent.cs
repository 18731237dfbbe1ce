using System.Net;

namespace Pocc.Network.Peers;

/// <summary>A change in the peer set, for the layers above (gossip starts or stops talking to a peer) and for tests.</summary>
public abstract record PeerEvent(EndPoint? RemoteEndPoint);

/// <summary>A peer finished the handshake and is registered.</summary>
public sealed record PeerConnected(PeerId Peer, EndPoint? RemoteEndPoint, bool Outbound) : PeerEvent(RemoteEndPoint);

/// <summary>A connected peer left: it has no connection any more.</summary>
public sealed record PeerDisconnected(PeerId Peer, EndPoint? RemoteEndPoint, DisconnectReason Reason, string Detail) : PeerEvent(RemoteEndPoint);

/// <summary>
/// A connection was closed before the peer was registered: failed dial, failed handshake, ban, limit or tie-break.
/// <paramref name="Peer"/> is null when it failed before the peer proved its key.
/// </summary>
public sealed record PeerRefused(PeerId? Peer, EndPoint? RemoteEndPoint, DisconnectReason Reason, string Detail) : PeerEvent(RemoteEndPoint);
