using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Pocc.Core.Crypto;

namespace Pocc.Network.Tests;

public sealed class MessageDispatcherTests
{
    private static readonly PeerId Alice = new(KeyPair.FromLabel("dispatch-alice").PublicKey);

    [Fact]
    public async Task Routes_each_message_to_the_consumer_of_its_type_in_arrival_order()
    {
        var transport = new InboxTransport();
        await using var dispatcher = new MessageDispatcher(transport, NullLogger<MessageDispatcher>.Instance);
        var consensus = dispatcher.Register([0x10, 0x11]);
        var gossip = dispatcher.Register([0x14]);
        dispatcher.Start();

        transport.Receive(0x10, 1);
        transport.Receive(0x14, 2);
        transport.Receive(0x11, 3);

        byte first = await Marker(consensus);
        byte second = await Marker(consensus);
        Assert.Equal((1, 3), (first, second));
        Assert.Equal(2, await Marker(gossip));
        Assert.Empty(transport.Reports);
    }

    [Fact]
    public async Task A_type_without_a_consumer_is_dropped_and_reported()
    {
        var transport = new InboxTransport();
        await using var dispatcher = new MessageDispatcher(transport, NullLogger<MessageDispatcher>.Instance);
        var consensus = dispatcher.Register([0x10]);
        dispatcher.Start();

        transport.Receive(0x63, 9);
        transport.Receive(0x10, 1);

        Assert.Equal(1, await Marker(consensus));
        Assert.Equal([Alice], transport.Reports);
    }

    [Fact]
    public async Task A_lossy_consumer_that_falls_behind_loses_messages_without_holding_up_the_others()
    {
        var transport = new InboxTransport();
        await using var dispatcher = new MessageDispatcher(transport, NullLogger<MessageDispatcher>.Instance);
        var consensus = dispatcher.Register([0x10]);
        var gossip = dispatcher.Register([0x14], capacity: 2, lossy: true);
        dispatcher.Start();

        for (byte i = 0; i < 5; i++)
        {
            transport.Receive(0x14, i);
        }
        transport.Receive(0x10, 42);

        Assert.Equal(42, await Marker(consensus));
        Assert.Equal(2, gossip.Messages.Count);
    }

    [Fact]
    public async Task Sending_through_a_route_goes_to_the_shared_transport()
    {
        var transport = new InboxTransport();
        await using var dispatcher = new MessageDispatcher(transport, NullLogger<MessageDispatcher>.Instance);
        var gossip = dispatcher.Register([0x14]);

        gossip.Broadcast(0x14, new byte[] { 7 });
        gossip.ReportInvalidMessage(Alice, "test");

        Assert.Equal([(byte)0x14], transport.Broadcasts);
        Assert.Equal([Alice], transport.Reports);
    }

    [Fact]
    public async Task Refuses_transport_types_a_type_registered_twice_and_registration_after_start()
    {
        await using var dispatcher = new MessageDispatcher(new InboxTransport(), NullLogger<MessageDispatcher>.Instance);
        dispatcher.Register([0x10]);

        Assert.Throws<ArgumentOutOfRangeException>(() => dispatcher.Register([0x01]));
        Assert.Throws<InvalidOperationException>(() => dispatcher.Register([0x11, 0x10]));
        // The refused registration claimed nothing: 0x11 is still free.
        dispatcher.Register([0x11]);
        dispatcher.Start();
        Assert.Throws<InvalidOperationException>(() => dispatcher.Register([0x12]));
    }

    [Fact]
    public async Task Disposing_completes_every_route()
    {
        var dispatcher = new MessageDispatcher(new InboxTransport(), NullLogger<MessageDispatcher>.Instance);
        var route = dispatcher.Register([0x10]);
        dispatcher.Start();

        await dispatcher.DisposeAsync();
        await dispatcher.DisposeAsync();

        await route.Messages.Completion.WaitAsync(TimeSpan.FromSeconds(5));
    }

    private static async Task<byte> Marker(IPeerTransport route) =>
        (await route.Messages.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5))).Payload.Span[0];

    /// <summary>A transport whose received messages the test writes and whose sends and reports it records.</summary>
    private sealed class InboxTransport : IPeerTransport
    {
        private readonly Channel<NetworkMessage> _inbox = Channel.CreateUnbounded<NetworkMessage>();

        public List<PeerId> Reports { get; } = [];

        public List<byte> Broadcasts { get; } = [];

        public PeerId LocalId => new(KeyPair.FromLabel("dispatch-local").PublicKey);

        public ChannelReader<NetworkMessage> Messages => _inbox.Reader;

        public void Receive(byte type, byte marker) => _inbox.Writer.TryWrite(new NetworkMessage(Alice, type, new byte[] { marker }));

        public bool Send(PeerId peer, byte type, ReadOnlyMemory<byte> payload) => true;

        public int Broadcast(byte type, ReadOnlyMemory<byte> payload)
        {
            Broadcasts.Add(type);
            return 1;
        }

        public void ReportInvalidMessage(PeerId peer, string why)
        {
            lock (Reports)
            {
                Reports.Add(peer);
            }
        }
    }
}
