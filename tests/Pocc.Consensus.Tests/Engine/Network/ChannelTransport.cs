using System.Threading.Channels;
using Pocc.Network;

namespace Pocc.Consensus.Tests.Engine.Network;

/// <summary>A transport whose inbound messages the test writes and whose broadcasts it records.</summary>
internal sealed class ChannelTransport(PeerId localId) : IPeerTransport
{
    private readonly Channel<NetworkMessage> _messages = Channel.CreateUnbounded<NetworkMessage>();

    public PeerId LocalId { get; } = localId;

    public ChannelReader<NetworkMessage> Messages => _messages.Reader;

    public List<(byte Type, byte[] Payload)> Broadcasts { get; } = [];

    public List<PeerId> InvalidMessageReports { get; } = [];

    public void ReportInvalidMessage(PeerId peer, string why) => InvalidMessageReports.Add(peer);

    public void Receive(NetworkMessage message) => _messages.Writer.TryWrite(message);

    public List<(PeerId Peer, byte Type, byte[] Payload)> Sends { get; } = [];

    public bool Send(PeerId peer, byte type, ReadOnlyMemory<byte> payload)
    {
        Sends.Add((peer, type, payload.ToArray()));
        return true;
    }

    public int Broadcast(byte type, ReadOnlyMemory<byte> payload)
    {
        Broadcasts.Add((type, payload.ToArray()));
        return 1;
    }
}
