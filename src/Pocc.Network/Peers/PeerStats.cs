using System.Net;

namespace Pocc.Network.Peers;

/// <summary>A snapshot of one connected peer, for metrics and the node API.</summary>
/// <param name="MessagesDropped">Messages the peer sent over its rate limit, dropped unread.</param>
/// <param name="SendQueueLength">Frames waiting to be written to the peer: a slow peer shows here first.</param>
public sealed record PeerStats(
    PeerId Peer,
    EndPoint? RemoteEndPoint,
    bool Outbound,
    DateTimeOffset ConnectedSince,
    long BytesIn,
    long BytesOut,
    long MessagesIn,
    long MessagesOut,
    long MessagesDropped,
    int Score,
    int SendQueueLength);
