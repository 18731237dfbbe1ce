using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Pocc.Ledger.Mempool;
using Pocc.Network;
using Pocc.Network.Peers;
using Pocc.Node.P2p;
using Pocc.Node.Tests.Builders;

namespace Pocc.Node.Tests.P2p;

/// <summary>A BFT node and a real peer connected to its p2p port over loopback TCP.</summary>
public sealed class TransactionGossipTests : IAsyncLifetime, IAsyncDisposable
{
    private TestNode _node = null!;
    private PeerManager _peer = null!;
    private PeerId _peerId;

    public async Task InitializeAsync()
    {
        (_node, _peer, _peerId) = await Loopback.NodeAndPeer("gossip-peer", TransactionBatchCodec.MessageType, TransactionBatchCodec.MaxPayload);
        _peer.Start();
        await Loopback.WaitUntil(() => _peer.ConnectedPeers.Count == 1);
    }

    [Fact]
    public async Task A_transaction_admitted_through_the_api_is_broadcast_to_peers_in_a_batch()
    {
        var tx = Tx.Transfer(TestKeys.Funded(0), TestKeys.Stranger("gossip").Address, 5).Signed();

        using var response = await _node.Http.PostAsJsonAsync("/v1/transactions", new { tx = Convert.ToHexStringLower(tx.Encoded) });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        using var timeout = new CancellationTokenSource(TestNode.Timeout);
        while (true)
        {
            var message = await _peer.Messages.ReadAsync(timeout.Token);
            if (message.Type == TransactionBatchCodec.MessageType)
            {
                Assert.Contains(tx.Hash, TransactionBatchCodec.Decode(message.Payload.Span).Select(t => t.Hash));
                return;
            }
        }
    }

    [Fact]
    public async Task A_gossiped_transaction_is_admitted_and_finalized_and_its_sender_keeps_its_score()
    {
        var tx = Tx.Transfer(TestKeys.Funded(1), TestKeys.Stranger("gossip-in").Address, 7).Signed();

        _peer.Broadcast(TransactionBatchCodec.MessageType, TransactionBatchCodec.Encode([tx]));

        await Loopback.WaitUntil(() => _node.Chain.FindTransaction(tx.Hash) is not null);
        Assert.Equal(0, NodePeerManager.ScoreOf(_peerId));
    }

    [Fact]
    public async Task A_stale_transaction_is_dropped_quietly()
    {
        var tx = Tx.Transfer(TestKeys.Funded(2), TestKeys.Stranger("stale").Address, 1).Signed();
        _node.Services.GetRequiredService<TransactionPool>().Add(tx);
        await Loopback.WaitUntil(() => _node.Chain.FindTransaction(tx.Hash) is not null);

        _peer.Broadcast(TransactionBatchCodec.MessageType, TransactionBatchCodec.Encode([tx]));
        // A bad one after it: once its report lands, the stale one (ahead of it in the same stream) has been handled.
        _peer.Broadcast(TransactionBatchCodec.MessageType, new byte[] { 1, 0, 0, 0, 0 });

        await Loopback.WaitUntil(() => NodePeerManager.ScoreOf(_peerId) < 0);
        // One penalty (the bad batch), not two.
        int penalty = new NetworkOptions { ChainId = TestNode.ChainId }.InvalidMessagePenalty;
        Assert.InRange(NodePeerManager.ScoreOf(_peerId), -penalty, -penalty / 2);
    }

    [Fact]
    public async Task A_transaction_with_a_bad_signature_costs_its_sender_score_and_is_not_admitted()
    {
        var forged = Tx.Transfer(TestKeys.Funded(3), TestKeys.Stranger("forged").Address, 1).SignedBy(TestKeys.Funded(4));

        _peer.Broadcast(TransactionBatchCodec.MessageType, TransactionBatchCodec.Encode([forged]));

        await Loopback.WaitUntil(() => NodePeerManager.ScoreOf(_peerId) < 0);
        Assert.False(_node.Services.GetRequiredService<TransactionPool>().Contains(forged.Hash));
    }

    [Fact]
    public async Task An_undecodable_batch_costs_its_sender_score()
    {
        _peer.Broadcast(TransactionBatchCodec.MessageType, new byte[] { 1, 1, 0, 0, 0, 9, 9 });

        await Loopback.WaitUntil(() => NodePeerManager.ScoreOf(_peerId) < 0);
    }

    [Fact]
    public async Task Status_reports_the_engine_round_step_and_connected_peers()
    {
        var status = await _node.Http.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>("/v1/status");

        Assert.Equal("tendermint", status!["engine"]!.GetValue<string>());
        Assert.Equal(1, status["peers"]!.GetValue<int>());
        Assert.NotNull(status["round"]);
        Assert.NotNull(status["step"]);
    }

    private PeerManager NodePeerManager => _node.Services.GetRequiredService<PeerManager>();

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    public async Task DisposeAsync()
    {
        await _peer.DisposeAsync();
        await _node.DisposeAsync();
    }
}
