using System.Buffers.Binary;
using Pocc.Network.Peers;
using Pocc.Network.Tests.Support;

namespace Pocc.Network.Tests.Peers;

public class PeerManagerTests
{
    private const byte Gossip = 0x10;

    [Fact]
    public async Task Two_nodes_connect_and_exchange_messages_both_ways()
    {
        await using var a = TestNode.Start("a");
        await using var b = TestNode.Start("b");

        Assert.Equal(a.Id, await b.ConnectTo(a));
        await a.Connected(b.Id);

        Assert.True(b.Manager.Send(a.Id, Gossip, "ping"u8.ToArray()));
        var ping = await a.NextMessage();
        Assert.Equal((b.Id, Gossip, "ping"), (ping.From, ping.Type, System.Text.Encoding.UTF8.GetString(ping.Payload.Span)));

        Assert.True(a.Manager.Send(b.Id, 0x11, "pong"u8.ToArray()));
        var pong = await b.NextMessage();
        Assert.Equal((a.Id, (byte)0x11, "pong"), (pong.From, pong.Type, System.Text.Encoding.UTF8.GetString(pong.Payload.Span)));

        var stats = Assert.Single(b.Manager.GetStats());
        Assert.Equal((a.Id, true, 1L, 9L), (stats.Peer, stats.Outbound, stats.MessagesOut, stats.BytesOut));
        Assert.Equal((1L, 9L), (stats.MessagesIn, stats.BytesIn));
    }

    [Fact]
    public async Task Broadcast_reaches_every_peer_of_three()
    {
        await using var a = TestNode.Start("a");
        await using var b = TestNode.Start("b");
        await using var c = TestNode.Start("c");
        await b.ConnectTo(a);
        await c.ConnectTo(a);
        await c.ConnectTo(b);
        await a.Connected(b.Id);
        await a.Connected(c.Id);
        await b.Connected(c.Id);

        Assert.Equal(2, a.Manager.Broadcast(Gossip, new byte[] { 1 }));
        Assert.Equal(2, c.Manager.Broadcast(Gossip, new byte[] { 3 }));

        var atB = new[] { await b.NextMessage(), await b.NextMessage() }.Select(m => (m.From, m.Payload.Span[0])).ToHashSet();
        Assert.Equal([(a.Id, (byte)1), (c.Id, (byte)3)], atB);
        var atA = await a.NextMessage();
        Assert.Equal((c.Id, (byte)3), (atA.From, atA.Payload.Span[0]));
        var atC = await c.NextMessage();
        Assert.Equal((a.Id, (byte)1), (atC.From, atC.Payload.Span[0]));
    }

    [Fact]
    public async Task Concurrent_sends_arrive_as_whole_frames()
    {
        await using var a = TestNode.Start("a");
        await using var b = TestNode.Start("b");
        await b.ConnectTo(a);
        await a.Connected(b.Id);
        const int Senders = 8, PerSender = 100;

        await Task.WhenAll(Enumerable.Range(0, Senders).Select(sender => Task.Run(() =>
        {
            for (int seq = 0; seq < PerSender; seq++)
            {
                Assert.True(b.Manager.Send(a.Id, Gossip, Pattern(sender, seq)));
            }
        })));

        var seen = new HashSet<(int, int)>();
        for (int i = 0; i < Senders * PerSender; i++)
        {
            var message = await a.NextMessage();
            int sender = BinaryPrimitives.ReadInt32LittleEndian(message.Payload.Span);
            int seq = BinaryPrimitives.ReadInt32LittleEndian(message.Payload.Span[4..]);
            Assert.Equal(Pattern(sender, seq), message.Payload.ToArray());
            Assert.True(seen.Add((sender, seq)));
        }
    }

    [Fact]
    public async Task A_killed_persistent_peer_is_redialled_when_it_comes_back()
    {
        var b = TestNode.Start("b");
        int port = b.EndPoint.Port;
        await using var a = TestNode.Start("a", TestNode.Options() with
        {
            PersistentPeers = [new PersistentPeer(b.EndPoint, b.Key.PublicKey)],
        });
        await a.Connected(b.Id);

        await b.DisposeAsync();
        await a.NextEvent<PeerDisconnected>(e => e.Peer == b.Id);

        await using var restarted = TestNode.Start("b", TestNode.Options(port));
        await a.Connected(restarted.Id);
        await restarted.Connected(a.Id);
        Assert.True(a.Manager.Send(restarted.Id, Gossip, new byte[] { 42 }));
        Assert.Equal(42, (await restarted.NextMessage()).Payload.Span[0]);
    }

    [Fact]
    public async Task Simultaneous_dials_settle_on_one_shared_connection()
    {
        await using var a = TestNode.Start("a");
        await using var b = TestNode.Start("b");
        var dials = new[] { a.ConnectTo(b), b.ConnectTo(a) };
        foreach (var dial in dials)
        {
            try
            {
                await dial;
            }
            catch (NetworkException e) when (e.Reason == DisconnectReason.DuplicateConnection)
            {
                // The losing dial of the tie-break.
            }
        }

        // Both ends keep the connection dialled by the lower key, so they see it from opposite directions.
        bool aDialled = a.Id.Key.Bytes.SequenceCompareTo(b.Id.Key.Bytes) < 0;
        using var timeout = new CancellationTokenSource(TestNode.Patience);
        while (!(a.Manager.GetStats() is [{ Outbound: var aOut }] && aOut == aDialled
                 && b.Manager.GetStats() is [{ Outbound: var bOut }] && bOut == !aDialled))
        {
            await Task.Delay(10, timeout.Token);
        }
        Assert.True(a.Manager.Send(b.Id, Gossip, new byte[] { 1 }));
        Assert.Equal(a.Id, (await b.NextMessage()).From);
    }

    [Fact]
    public async Task Logs_every_refusal_and_disconnect_with_its_reason()
    {
        var log = new RecordingLogger<PeerManager>();
        await using var a = TestNode.Start("a", logger: log);
        await using (var b = TestNode.Start("b"))
        {
            await b.ConnectTo(a);
            await a.Connected(b.Id);
        }
        await a.NextEvent<PeerDisconnected>();
        await using (var other = TestNode.Start("c", TestNode.Options() with { ChainId = "other" }))
        {
            await Assert.ThrowsAsync<NetworkException>(() => other.ConnectTo(a));
        }
        await a.NextEvent<PeerRefused>();

        Assert.Contains(log.Lines, line => line.Contains("disconnected", StringComparison.Ordinal) && line.Contains(nameof(DisconnectReason.RemoteClosed), StringComparison.Ordinal));
        Assert.Contains(log.Lines, line => line.Contains("refused", StringComparison.Ordinal) && line.Contains(nameof(DisconnectReason.WrongChainId), StringComparison.Ordinal));
    }

    private static byte[] Pattern(int sender, int seq)
    {
        var payload = new byte[8 + (sender * 7919 + seq * 104729) % 20_000];
        BinaryPrimitives.WriteInt32LittleEndian(payload, sender);
        BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(4), seq);
        for (int i = 8; i < payload.Length; i++)
        {
            payload[i] = (byte)(sender * 31 + seq + i);
        }
        return payload;
    }
}
