using Microsoft.Extensions.Time.Testing;
using Pocc.Core.Crypto;
using Pocc.Network.Framing;
using Pocc.Network.Peers;
using Pocc.Network.Tests.Support;

namespace Pocc.Network.Tests.Peers;

public class AbuseTests
{
    private const byte Gossip = 0x10;

    [Fact]
    public async Task Garbage_instead_of_a_hello_is_refused()
    {
        await using var a = TestNode.Start("a");

        await using (var http = await RawPeer.Connect(a.EndPoint))
        {
            // "GET " read as a little-endian length is about 540 MB: refused on the header alone.
            await http.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
            Assert.True(await http.ClosedByRemote());
            Assert.Equal(DisconnectReason.FrameTooLarge, (await a.NextEvent<PeerRefused>()).Reason);
        }

        await using var junk = await RawPeer.Connect(a.EndPoint);
        await junk.Send(HandshakeRefusalTests.Frame(MessageTypes.Hello, [0xde, 0xad, 0xbe, 0xef]));
        Assert.True(await junk.ClosedByRemote());
        Assert.Equal(DisconnectReason.MalformedHandshake, (await a.NextEvent<PeerRefused>()).Reason);
    }

    [Fact]
    public async Task A_transport_message_type_after_the_handshake_closes_the_connection()
    {
        await using var a = TestNode.Start("a");
        await using var raw = await RawPeer.Connect(a.EndPoint);
        using var key = KeyPair.FromLabel("confused");
        await raw.Handshake(key);

        await raw.Send(HandshakeRefusalTests.Frame(MessageTypes.Hello, [1, 2, 3]));

        Assert.True(await raw.ClosedByRemote());
        Assert.Equal(DisconnectReason.UnexpectedMessageType, (await a.NextEvent<PeerDisconnected>()).Reason);
    }

    [Fact]
    public async Task A_flooding_peer_is_scored_down_and_banned_while_a_polite_one_stays()
    {
        // Frozen time: the token buckets never refill, so exactly the burst gets through.
        var time = new FakeTimeProvider();
        await using var a = TestNode.Start("a", TestNode.Options() with
        {
            MessagesPerSecond = 10,
            MessageBurst = 30,
            RateLimitPenalty = 1,
            BanThreshold = -50,
        }, time);
        await using var flooder = TestNode.Start("flooder");
        await using var polite = TestNode.Start("polite");
        await flooder.ConnectTo(a);
        await polite.ConnectTo(a);
        await a.Connected(flooder.Id);
        await a.Connected(polite.Id);

        for (int i = 0; i < 5; i++)
        {
            Assert.True(polite.Manager.Send(a.Id, Gossip, new byte[] { 1 }));
        }
        for (int i = 0; i < 200; i++)
        {
            flooder.Manager.Send(a.Id, Gossip, new byte[] { 2 });
        }

        var disconnected = await a.NextEvent<PeerDisconnected>(e => e.Peer == flooder.Id);
        Assert.Equal(DisconnectReason.ScoreTooLow, disconnected.Reason);
        Assert.True(a.Manager.IsBanned(flooder.Id));
        Assert.Equal([polite.Id], a.Manager.ConnectedPeers);
        int fromPolite = 0;
        while (fromPolite < 5)
        {
            fromPolite += (await a.NextMessage()).From == polite.Id ? 1 : 0;
        }

        // The ban holds against a reconnect and lifts when it expires.
        await flooder.ConnectTo(a);
        var refused = await a.NextEvent<PeerRefused>(e => e.Peer == flooder.Id);
        Assert.Equal(DisconnectReason.Banned, refused.Reason);
        time.Advance(TimeSpan.FromMinutes(11));
        Assert.False(a.Manager.IsBanned(flooder.Id));
    }

    [Fact]
    public async Task A_peer_whose_messages_the_layer_above_keeps_reporting_invalid_is_banned()
    {
        var time = new FakeTimeProvider();
        await using var a = TestNode.Start("a", TestNode.Options() with { InvalidMessagePenalty = 20, BanThreshold = -100 }, time);
        await using var liar = TestNode.Start("liar");
        await liar.ConnectTo(a);
        await a.Connected(liar.Id);

        for (int i = 0; i < 4; i++)
        {
            a.Manager.ReportInvalidMessage(liar.Id, "undecodable");
        }
        Assert.Equal(-80, a.Manager.ScoreOf(liar.Id));
        Assert.Equal([liar.Id], a.Manager.ConnectedPeers);

        a.Manager.ReportInvalidMessage(liar.Id, "undecodable");
        var disconnected = await a.NextEvent<PeerDisconnected>(e => e.Peer == liar.Id);
        Assert.Equal(DisconnectReason.ScoreTooLow, disconnected.Reason);
        Assert.True(a.Manager.IsBanned(liar.Id));
    }

    [Fact]
    public async Task A_score_recovers_over_time_so_only_sustained_abuse_bans()
    {
        var time = new FakeTimeProvider();
        await using var a = TestNode.Start("a", TestNode.Options() with { ScoreRecoveryPerSecond = 0.5, BanThreshold = -100 }, time);
        using var key = KeyPair.FromLabel("bursty");
        var bursty = new PeerId(key.PublicKey);

        a.Manager.Penalize(bursty, 60, "burst");
        Assert.Equal(-60, a.Manager.ScoreOf(bursty));
        time.Advance(TimeSpan.FromSeconds(100));
        Assert.Equal(-10, a.Manager.ScoreOf(bursty));
        a.Manager.Penalize(bursty, 60, "burst");
        Assert.False(a.Manager.IsBanned(bursty));
        a.Manager.Penalize(bursty, 30, "burst");
        Assert.True(a.Manager.IsBanned(bursty));
        time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, a.Manager.ScoreOf(bursty));
    }

    [Fact]
    public async Task A_peer_that_does_not_read_is_disconnected_when_its_send_queue_fills()
    {
        await using var a = TestNode.Start("a", TestNode.Options() with { SendQueueCapacity = 8 });
        await using var raw = await RawPeer.Connect(a.EndPoint);
        using var key = KeyPair.FromLabel("sloth");
        await raw.Handshake(key);
        var sloth = new PeerId(key.PublicKey);
        await a.Connected(sloth);

        var payload = new byte[1024 * 1024];
        int accepted = 0;
        while (accepted < 1000 && a.Manager.Send(sloth, Gossip, payload))
        {
            accepted++;
        }

        Assert.True(accepted < 1000, "a peer that never reads kept accepting frames");
        Assert.Equal(DisconnectReason.SendQueueOverflow, (await a.NextEvent<PeerDisconnected>(e => e.Peer == sloth)).Reason);
    }
}
