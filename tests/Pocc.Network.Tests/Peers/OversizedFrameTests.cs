using Pocc.Core.Crypto;
using Pocc.Network.Framing;
using Pocc.Network.Peers;
using Pocc.Network.Tests.Support;

namespace Pocc.Network.Tests.Peers;

/// <summary>Runs alone: it measures process-wide allocations, which tests running in parallel would inflate.</summary>
[CollectionDefinition(nameof(OversizedFrameTests), DisableParallelization = true)]
[Collection(nameof(OversizedFrameTests))]
public class OversizedFrameTests
{
    private const byte Gossip = 0x10;

    [Fact]
    public async Task An_oversized_frame_header_closes_the_connection_without_its_body()
    {
        await using var a = TestNode.Start("a");
        await using var raw = await RawPeer.Connect(a.EndPoint);
        using var key = KeyPair.FromLabel("attacker");
        await raw.Handshake(key);
        var attacker = new PeerId(key.PublicKey);
        await a.Connected(attacker);

        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var header = new byte[FrameCodec.HeaderSize];
        FrameCodec.WriteHeader(header, Gossip, 100 * 1024 * 1024);
        await raw.Send(header);

        Assert.True(await raw.ClosedByRemote());
        var disconnected = await a.NextEvent<PeerDisconnected>(e => e.Peer == attacker);
        Assert.Equal(DisconnectReason.FrameTooLarge, disconnected.Reason);
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore < 50 * 1024 * 1024, "the claimed 100 MiB body was allocated");
        Assert.Equal(-new NetworkOptions { ChainId = "x" }.MalformedFramePenalty, a.Manager.ScoreOf(attacker));
    }
}
