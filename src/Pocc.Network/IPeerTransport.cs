using System.Threading.Channels;

namespace Pocc.Network;

/// <summary>
/// What gossip and block sync need from the network: send, broadcast, receive typed opaque messages.
/// <see cref="Peers.PeerManager"/> implements it over TCP; the deterministic simulator implements it in memory.
/// </summary>
public interface IPeerTransport
{
    PeerId LocalId { get; }

    /// <summary>Messages from all peers, in arrival order per peer.</summary>
    ChannelReader<NetworkMessage> Messages { get; }

    /// <summary>Queues a message for one peer; false if it is not connected or its send queue overflowed.</summary>
    bool Send(PeerId peer, byte type, ReadOnlyMemory<byte> payload);

    /// <summary>Queues a message for every connected peer; returns how many accepted it.</summary>
    int Broadcast(byte type, ReadOnlyMemory<byte> payload);

    /// <summary>
    /// Tells the transport that a message from <paramref name="peer"/> was well-framed but meaningless to the layer
    /// above (undecodable, invalid): the peer's score drops, and a peer that keeps doing it is disconnected and banned.
    /// </summary>
    void ReportInvalidMessage(PeerId peer, string why);
}
