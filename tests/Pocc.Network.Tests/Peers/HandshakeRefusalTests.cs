using Pocc.Core.Crypto;
using Pocc.Network.Framing;
using Pocc.Network.Handshake;
using Pocc.Network.Peers;
using Pocc.Network.Tests.Support;

namespace Pocc.Network.Tests.Peers;

public class HandshakeRefusalTests
{
    [Fact]
    public async Task Refuses_a_peer_on_another_chain()
    {
        await using var a = TestNode.Start("a");
        await using var b = TestNode.Start("b", TestNode.Options() with { ChainId = "other-chain" });

        var e = await Assert.ThrowsAsync<NetworkException>(() => b.ConnectTo(a));
        Assert.Equal(DisconnectReason.WrongChainId, e.Reason);
        Assert.Equal(DisconnectReason.WrongChainId, (await a.NextEvent<PeerRefused>()).Reason);
        Assert.Empty(a.Manager.ConnectedPeers);
    }

    [Fact]
    public async Task Refuses_a_peer_speaking_another_protocol_version()
    {
        await using var a = TestNode.Start("a");
        await using var b = TestNode.Start("b", TestNode.Options() with { ProtocolVersion = 99 });

        Assert.Equal(DisconnectReason.WrongProtocolVersion, (await Assert.ThrowsAsync<NetworkException>(() => b.ConnectTo(a))).Reason);
        Assert.Equal(DisconnectReason.WrongProtocolVersion, (await a.NextEvent<PeerRefused>()).Reason);
    }

    [Fact]
    public async Task Refuses_a_persistent_peer_that_answers_with_another_key()
    {
        await using var a = TestNode.Start("a");
        await using var b = TestNode.Start("b");
        using var expected = KeyPair.FromLabel("c");

        var e = await Assert.ThrowsAsync<NetworkException>(() => a.Manager.ConnectAsync(b.EndPoint, expected.PublicKey));
        Assert.Equal(DisconnectReason.UnexpectedPeerKey, e.Reason);
        Assert.Empty(a.Manager.ConnectedPeers);
    }

    [Fact]
    public async Task Refuses_a_connection_to_ourselves()
    {
        await using var a = TestNode.Start("a");

        Assert.Equal(DisconnectReason.SelfConnection, (await Assert.ThrowsAsync<NetworkException>(() => a.Manager.ConnectAsync(a.EndPoint))).Reason);
        Assert.Empty(a.Manager.ConnectedPeers);
    }

    [Fact]
    public async Task Refuses_a_peer_claiming_our_key_without_holding_it()
    {
        await using var a = TestNode.Start("a");
        await using var raw = await RawPeer.Connect(a.EndPoint);

        await raw.Send(Frame(MessageTypes.Hello, new Hello(1, TestNode.Chain, a.Key.PublicKey, new byte[32]).Encode()));

        Assert.Equal(DisconnectReason.SelfConnection, (await a.NextEvent<PeerRefused>()).Reason);
        Assert.True(await raw.ClosedByRemote());
    }

    [Fact]
    public async Task Refuses_a_bad_transcript_signature()
    {
        await using var a = TestNode.Start("a");
        await using var raw = await RawPeer.Connect(a.EndPoint);
        using var claimed = KeyPair.FromLabel("mallory");
        using var actual = KeyPair.FromLabel("someone-else");

        await raw.Send(Frame(MessageTypes.Hello, new Hello(1, TestNode.Chain, claimed.PublicKey, new byte[32]).Encode()));
        await raw.Send(Frame(MessageTypes.Auth, actual.Sign("not the transcript"u8).Bytes.ToArray()));

        var refused = await a.NextEvent<PeerRefused>();
        Assert.Equal(DisconnectReason.BadSignature, refused.Reason);
        Assert.Null(refused.Peer);
        Assert.True(await raw.ClosedByRemote());
        Assert.Empty(a.Manager.ConnectedPeers);
    }

    [Fact]
    public async Task Refuses_a_peer_that_never_completes_the_handshake()
    {
        await using var a = TestNode.Start("a", TestNode.Options() with { HandshakeTimeout = TimeSpan.FromMilliseconds(300) });
        await using var raw = await RawPeer.Connect(a.EndPoint);

        Assert.Equal(DisconnectReason.HandshakeTimeout, (await a.NextEvent<PeerRefused>()).Reason);
        Assert.True(await raw.ClosedByRemote());
    }

    [Fact]
    public async Task Refuses_peers_beyond_the_maximum()
    {
        await using var a = TestNode.Start("a", TestNode.Options() with { MaxPeers = 1 });
        await using var b = TestNode.Start("b");
        await using var c = TestNode.Start("c");
        await b.ConnectTo(a);
        await a.Connected(b.Id);

        try
        {
            await c.ConnectTo(a);
        }
        catch (NetworkException)
        {
            // The refusal can reach c before or after its own side of the handshake completes.
        }

        var refused = await a.NextEvent<PeerRefused>();
        Assert.Equal((DisconnectReason.TooManyPeers, c.Id), (refused.Reason, refused.Peer));
        Assert.Equal([b.Id], a.Manager.ConnectedPeers);
    }

    [Fact]
    public async Task Closes_connections_beyond_the_pending_handshake_cap()
    {
        await using var a = TestNode.Start("a", TestNode.Options() with { MaxPendingHandshakes = 1 });
        await using var silent = await RawPeer.Connect(a.EndPoint);
        await using var second = await RawPeer.Connect(a.EndPoint);

        Assert.Equal(DisconnectReason.TooManyHandshakes, (await a.NextEvent<PeerRefused>()).Reason);
        Assert.True(await second.ClosedByRemote());
    }

    internal static byte[] Frame(byte type, byte[] payload)
    {
        var frame = new byte[FrameCodec.HeaderSize + payload.Length];
        FrameCodec.WriteHeader(frame, type, payload.Length);
        payload.CopyTo(frame, FrameCodec.HeaderSize);
        return frame;
    }
}
