using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Pocc.Consensus.Engine.Bft.Network;
using Pocc.Network;
using Pocc.Network.Framing;
using Pocc.Network.Peers;

namespace Pocc.Node.Tests.Builders;

/// <summary>What the tests that run a node against a real peer on 127.0.0.1 share.</summary>
internal static class Loopback
{
    /// <summary>A port free on 127.0.0.1 a moment ago (the OS picks it), for a peer's listener.</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; throws when <see cref="TestNode.Timeout"/> runs out.</summary>
    public static async Task WaitUntil(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TestNode.Timeout);
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    /// <summary>
    /// A BFT node listening for peers on a free loopback port, and a peer under <paramref name="peerLabel"/>'s key that
    /// dials it, with room for frames of <paramref name="type"/> up to <paramref name="maxPayload"/>; the caller starts
    /// the peer (after registering what it reads) and waits for the connection.
    /// </summary>
    public static async Task<(TestNode Node, PeerManager Peer, PeerId PeerId)> NodeAndPeer(string peerLabel, byte type, int maxPayload)
    {
        int port = FreePort();
        var node = await TestNode.StartAsync(new Dictionary<string, string?>
        {
            ["Node:Consensus"] = "tendermint",
            ["Node:P2pListen"] = $"127.0.0.1:{port}",
            ["Node:BlockIntervalMs"] = "200",
        });
        var key = TestKeys.Of(peerLabel);
        var peer = new PeerManager(key, new NetworkOptions
        {
            ChainId = TestNode.ChainId,
            PersistentPeers = [new PersistentPeer(new IPEndPoint(IPAddress.Loopback, port))],
            FrameLimits = new FrameLimits(FrameLimits.DefaultGlobalMax, new Dictionary<byte, int> { [type] = maxPayload }),
        }.WithConsensusLimits(), TimeProvider.System, NullLogger<PeerManager>.Instance);
        return (node, peer, new PeerId(key.PublicKey));
    }
}
