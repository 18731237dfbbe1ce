using Microsoft.Extensions.Logging.Abstractions;
using Pocc.Consensus.Engine.Bft;
using Pocc.Consensus.Engine.Bft.Network;
using Pocc.Ledger.Consensus;
using Pocc.Ledger.Tests.Builders;
using Pocc.Network;

namespace Pocc.Consensus.Tests.Engine.Network;

public sealed class PeerConsensusNetworkTests
{
    private static readonly PeerId Self = new(TestKeys.Of("net-self").PublicKey);
    private static readonly PeerId Peer = new(TestKeys.Of("net-peer").PublicKey);

    [Fact]
    public async Task Garbage_truncated_and_foreign_messages_are_dropped_and_the_loop_keeps_delivering()
    {
        var transport = new ChannelTransport(Self);
        await using var network = new PeerConsensusNetwork(transport, NullLogger<PeerConsensusNetwork>.Instance);
        var vote = new VoteMessage(Equivocation.Vote(TestKeys.ValidatorKey, 3));
        var (type, payload) = ConsensusCodec.Encode(vote);
        var random = new Random(7);

        foreach (byte t in ConsensusMessageTypes.All)
        {
            var garbage = new byte[random.Next(0, 600)];
            random.NextBytes(garbage);
            transport.Receive(new NetworkMessage(Peer, t, garbage));
            transport.Receive(new NetworkMessage(Peer, t, (byte[])[ConsensusCodec.Version, .. garbage]));
        }
        transport.Receive(new NetworkMessage(Peer, type, payload.AsMemory(0, payload.Length - 1)));
        transport.Receive(new NetworkMessage(Peer, type, new byte[ConsensusMessageTypes.MaxVotePayload + 1]));
        transport.Receive(new NetworkMessage(Peer, 0x20, payload));
        transport.Receive(new NetworkMessage(Peer, type, payload));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var received = Assert.IsType<VoteMessage>(await network.Inbound.ReadAsync(timeout.Token));
        Assert.Equal(payload, ConsensusCodec.Encode(received).Payload);
        Assert.False(network.Inbound.TryRead(out _));
        // Every undecodable consensus message cost the sender score; the foreign type is not ours to judge.
        Assert.Equal(2 * ConsensusMessageTypes.All.Count + 2, transport.InvalidMessageReports.Count);
        Assert.All(transport.InvalidMessageReports, p => Assert.Equal(Peer, p));
    }

    [Fact]
    public async Task A_received_message_the_engine_reports_as_invalid_scores_down_the_peer_that_sent_it()
    {
        var transport = new ChannelTransport(Self);
        await using var network = new PeerConsensusNetwork(transport, NullLogger<PeerConsensusNetwork>.Instance);
        var (type, payload) = ConsensusCodec.Encode(new VoteMessage(Equivocation.Vote(TestKeys.ValidatorKey, 3)));
        transport.Receive(new NetworkMessage(Peer, type, payload));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var received = await network.Inbound.ReadAsync(timeout.Token);

        network.ReportInvalid(received, "a bad part");
        // A message this node never received has no sender to blame.
        network.ReportInvalid(new BlockRequest(new Ledger.Primitives.Height(1)), "not received");

        Assert.Equal([Peer], transport.InvalidMessageReports);
    }

    [Fact]
    public async Task Broadcast_sends_the_encoding_under_the_message_type()
    {
        var transport = new ChannelTransport(Self);
        await using var network = new PeerConsensusNetwork(transport, NullLogger<PeerConsensusNetwork>.Instance);

        network.Broadcast(new BlockRequest(new Ledger.Primitives.Height(9)));

        var (type, payload) = Assert.Single(transport.Broadcasts);
        Assert.Equal(ConsensusMessageTypes.BlockRequest, type);
        Assert.Equal(new Ledger.Primitives.Height(9), ConsensusCodec.Decode(type, payload).Height);
    }

    [Fact]
    public async Task A_reply_goes_to_the_peer_that_asked_alone()
    {
        var transport = new ChannelTransport(Self);
        await using var network = new PeerConsensusNetwork(transport, NullLogger<PeerConsensusNetwork>.Instance);
        var (type, payload) = ConsensusCodec.Encode(new BlockRequest(new Ledger.Primitives.Height(4)));
        transport.Receive(new NetworkMessage(Peer, type, payload));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var request = await network.Inbound.ReadAsync(timeout.Token);

        var answer = new BlockRequest(new Ledger.Primitives.Height(5));
        network.Reply(request, answer);

        var (to, sentType, sent) = Assert.Single(transport.Sends);
        var (answerType, answerPayload) = ConsensusCodec.Encode(answer);
        Assert.Equal((Peer, answerType), (to, sentType));
        Assert.Equal(answerPayload, sent);
        Assert.Empty(transport.Broadcasts);
    }
}
