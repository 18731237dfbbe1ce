using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Pocc.Consensus.Engine.Bft.Network;
using Pocc.Core.Merkle;
using Pocc.Network;
using Pocc.Network.Peers;
using Pocc.Node.P2p;
using Pocc.Node.Tests.Builders;
using Pocc.Storage.Blobs;

namespace Pocc.Node.Tests.P2p;

/// <summary>
/// A BFT node and a real peer on loopback TCP with a blob store of its own: blobs go both ways chunk by chunk, and a peer
/// that lies about a chunk or sends garbage is scored down while nothing unproven is stored.
/// </summary>
public sealed class BlobExchangeTests : IAsyncLifetime, IAsyncDisposable
{
    private static readonly byte[] Content = [.. Enumerable.Range(0, 2 * BlobId.ChunkSize + 12_345).Select(i => (byte)(i * 31 + (i >> 8)))];
    private static readonly BlobId Blob = BlobHasher.Compute(Content);

    private readonly string _peerBlobs = Directory.CreateTempSubdirectory("pocc-blob-peer-").FullName;
    private TestNode _node = null!;
    private PeerManager _peer = null!;
    private MessageDispatcher _dispatcher = null!;
    private IPeerTransport _peerBlobRoute = null!;
    private BlobStore _peerStore = null!;
    private PeerId _peerId;

    public async Task InitializeAsync()
    {
        (_node, _peer, _peerId) = await Loopback.NodeAndPeer("blob-peer", BlobMessageCodec.ResponseType, BlobMessageCodec.MaxResponsePayload);
        _dispatcher = new MessageDispatcher(_peer, NullLogger<MessageDispatcher>.Instance);
        _peerBlobRoute = _dispatcher.Register([BlobMessageCodec.RequestType, BlobMessageCodec.ResponseType]);
        // The node's votes and gossip are dropped unread; this peer only trades blobs.
        _dispatcher.Register([.. ConsensusMessageTypes.All, TransactionBatchCodec.MessageType], capacity: 1, lossy: true);
        _peerStore = new BlobStore(_peerBlobs);
        _peer.Start();
        _dispatcher.Start();
        await Loopback.WaitUntil(() => _peer.ConnectedPeers.Count == 1);
    }

    [Fact]
    public async Task Node_fetches_a_blob_only_a_peer_holds_proves_every_chunk_and_stores_the_same_bytes()
    {
        await PutAsync(_peerStore, Content);
        await using var serving = await StartPeerExchangeAsync();

        Assert.True(await NodeExchange.FetchAsync(Blob, CancellationToken.None));

        Assert.Equal(Blob, NodeStore.GetInfo(Blob.Root));
        Assert.Equal(Blob, await NodeStore.VerifyAsync(Blob.Root));
        Assert.Equal(0, NodePeerManager.ScoreOf(_peerId));
    }

    [Fact]
    public async Task Node_serves_its_blobs_to_a_peer_and_answers_not_found_for_one_it_lacks_without_blame()
    {
        await PutAsync(NodeStore, Content);
        await using var fetching = await StartPeerExchangeAsync();
        var unknown = BlobHasher.Compute("not stored anywhere"u8);

        Assert.True(await fetching.Exchange.FetchAsync(Blob, CancellationToken.None));
        Assert.False(await fetching.Exchange.FetchAsync(unknown, CancellationToken.None));

        Assert.Equal(Blob, await _peerStore.VerifyAsync(Blob.Root));
        Assert.Null(_peerStore.GetInfo(unknown.Root));
        Assert.Equal(0, NodePeerManager.ScoreOf(_peerId));
    }

    [Fact]
    public async Task A_chunk_that_does_not_prove_against_the_root_costs_the_peer_score_and_nothing_is_stored()
    {
        var fetch = NodeExchange.FetchAsync(Blob, CancellationToken.None);
        using var timeout = new CancellationTokenSource(TestNode.Timeout);
        var message = await _peerBlobRoute.Messages.ReadAsync(timeout.Token);
        var request = BlobMessageCodec.DecodeRequest(message.Payload.Span);
        var leaves = Enumerable.Range(0, Blob.ChunkCount).Select(i => Core.Hashing.Blake3Hash.Leaf(Content.AsSpan((int)Blob.ChunkOffset(i), Blob.ChunkLength(i)))).ToArray();
        var forged = Content.AsSpan((int)Blob.ChunkOffset(request.Index), Blob.ChunkLength(request.Index)).ToArray();
        forged[0] ^= 0xFF;

        _peer.Send(message.From, BlobMessageCodec.ResponseType,
            BlobMessageCodec.Encode(new BlobChunkResponse(Blob, request.Index, new BlobChunk(Blob, request.Index, forged, MerkleTree.Prove(leaves, request.Index)))));

        Assert.False(await fetch);
        Assert.Null(NodeStore.GetInfo(Blob.Root));
        Assert.True(NodePeerManager.ScoreOf(_peerId) < 0);
    }

    [Fact]
    public async Task A_blob_no_peer_has_is_not_asked_for_again_until_its_back_off_ends()
    {
        var unknown = BlobHasher.Compute("nobody has this"u8);
        var fetch = NodeExchange.FetchAsync(unknown, CancellationToken.None);
        using var timeout = new CancellationTokenSource(TestNode.Timeout);
        var message = await _peerBlobRoute.Messages.ReadAsync(timeout.Token);
        _peer.Send(message.From, BlobMessageCodec.ResponseType, BlobMessageCodec.Encode(new BlobChunkResponse(unknown, 0, null)));
        Assert.False(await fetch);

        var again = NodeExchange.FetchAsync(unknown, CancellationToken.None);

        Assert.True(again.IsCompleted, "a blob that just failed was asked for again at once");
        Assert.False(await again);
        Assert.False(_peerBlobRoute.Messages.TryRead(out _));
        Assert.Equal(0, NodePeerManager.ScoreOf(_peerId));
    }

    [Fact]
    public async Task An_undecodable_blob_request_costs_its_sender_score()
    {
        _peer.Broadcast(BlobMessageCodec.RequestType, new byte[] { 1, 2, 3 });

        await Loopback.WaitUntil(() => NodePeerManager.ScoreOf(_peerId) < 0);
    }

    [Fact]
    public async Task A_blob_above_the_store_limit_is_not_fetched()
    {
        var huge = new BlobId(Blob.Root, NodeStore.Options.MaxBlobBytes + 1);

        Assert.False(await NodeExchange.FetchAsync(huge, CancellationToken.None));
        Assert.Null(NodeStore.GetInfo(Blob.Root));
    }

    private sealed record PeerExchange(BlobExchange Exchange) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Exchange.StopAsync(CancellationToken.None);
            Exchange.Dispose();
        }
    }

    private async Task<PeerExchange> StartPeerExchangeAsync()
    {
        var exchange = new BlobExchange(_peerStore, _peerBlobRoute, () => _peer.ConnectedPeers, NullLogger<BlobExchange>.Instance);
        await exchange.StartAsync(CancellationToken.None);
        return new PeerExchange(exchange);
    }

    private BlobExchange NodeExchange => _node.Services.GetRequiredService<BlobExchange>();

    private BlobStore NodeStore => _node.Services.GetRequiredService<BlobStore>();

    private PeerManager NodePeerManager => _node.Services.GetRequiredService<PeerManager>();

    private static async Task PutAsync(BlobStore store, byte[] content)
    {
        using var stream = new MemoryStream(content);
        Assert.Equal(Blob, await store.PutAsync(stream, content.Length));
    }

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    public async Task DisposeAsync()
    {
        await _dispatcher.DisposeAsync();
        await _peer.DisposeAsync();
        await _node.DisposeAsync();
        Directory.Delete(_peerBlobs, recursive: true);
    }
}
