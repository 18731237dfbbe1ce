using System.Collections.Concurrent;
using System.Diagnostics;
using Pocc.Core.Encoding;
using Pocc.Core.Hashing;
using Pocc.Network;
using Pocc.Storage.Blobs;

namespace Pocc.Node.P2p;

/// <summary>
/// Blob availability between nodes: every node serves the chunks of the blobs it stores, and fetches a blob the chain
/// names but it lacks (a task's inputs, a worker's result) from its peers, chunk by chunk, each chunk checked against the
/// blob's root with its Merkle proof before it is kept and the whole re-hashed by the store before it is stored. A peer
/// that sends a chunk which does not check out is reported (scored down) and the next peer is asked.
/// </summary>
public sealed class BlobExchange : BackgroundService
{
    /// <summary>Chunk requests in flight to one peer: 2 MiB, far below a peer's send queue limit.</summary>
    public const int Window = 8;

    /// <summary>Requests served at once; more wait in the (bounded, lossy) queue, so a flood costs a peer only timeouts.</summary>
    public const int ConcurrentServes = 4;

    /// <summary>
    /// Fetches are paced to this rate per peer, half the transport's default per-peer byte budget, so blob traffic never
    /// crowds out votes or trips the receiving side's rate limit.
    /// </summary>
    public const long PacedBytesPerSecond = 8L * 1024 * 1024;

    public static readonly TimeSpan ChunkTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// After a fetch fails, the blob is not asked for again for 1 s, doubling per failure up to this: a task naming blobs
    /// nobody has (the chain cannot tell) costs the network a few requests a minute, not a storm.
    /// </summary>
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(1);

    /// <summary>Failed blobs whose back-off is remembered; beyond it the memory starts over.</summary>
    private const int MaxRemembered = 10_000;

    private readonly BlobStore _store;
    private readonly IPeerTransport _transport;
    private readonly Func<IReadOnlyCollection<PeerId>> _peers;
    private readonly ILogger<BlobExchange> _logger;
    private readonly ConcurrentDictionary<(PeerId Peer, Hash32 Root, int Index), TaskCompletionSource<BlobChunkResponse>> _pending = new();
    private readonly ConcurrentDictionary<Hash32, Lazy<Task<bool>>> _fetching = new();
    private readonly ConcurrentDictionary<Hash32, (int Failures, long RetryAt)> _failed = new();

    /// <param name="transport">The dispatcher's route for <see cref="BlobMessageCodec.RequestType"/> and <see cref="BlobMessageCodec.ResponseType"/>.</param>
    /// <param name="peers">The peers connected now.</param>
    public BlobExchange(BlobStore store, IPeerTransport transport, Func<IReadOnlyCollection<PeerId>> peers, ILogger<BlobExchange> logger)
    {
        _store = store;
        _transport = transport;
        _peers = peers;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var serving = new SemaphoreSlim(ConcurrentServes);
        try
        {
            await foreach (var message in _transport.Messages.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                // Reading chunks from disk for one peer must not hold up the answers other fetches wait for.
                await serving.WaitAsync(stoppingToken).ConfigureAwait(false);
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await ReceiveAsync(message, stoppingToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                    {
                    }
                    finally
                    {
                        serving.Release();
                    }
                }, CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        // The serves still running finish before their semaphore goes.
        for (int i = 0; i < ConcurrentServes; i++)
        {
            await serving.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Serves a request or hands a response to the fetch waiting for it; public so tests can drive it without a socket.</summary>
    public async Task ReceiveAsync(NetworkMessage message, CancellationToken cancellationToken)
    {
        try
        {
            if (message.Type == BlobMessageCodec.RequestType)
            {
                await ServeAsync(message.From, BlobMessageCodec.DecodeRequest(message.Payload.Span), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                Deliver(message.From, BlobMessageCodec.DecodeResponse(message.Payload.Span));
            }
        }
        catch (CodecException e)
        {
            _logger.LogWarning("Dropping an undecodable blob message from peer {Peer}: {Reason}", message.From, e.Message);
            _transport.ReportInvalidMessage(message.From, $"undecodable blob message: {e.Message}");
        }
    }

    private async Task ServeAsync(PeerId peer, BlobChunkRequest request, CancellationToken cancellationToken)
    {
        BlobChunk? chunk = null;
        // Only the blob the requester names, size included: the size is what its chain committed to.
        if (_store.GetInfo(request.Blob.Root) is { } stored && stored == request.Blob)
        {
            try
            {
                chunk = await _store.ReadChunkAsync(request.Blob.Root, request.Index, cancellationToken).ConfigureAwait(false);
            }
            catch (BlobException e)
            {
                _logger.LogWarning("Cannot serve chunk {Index} of blob {Root}: {Code} {Reason}", request.Index, request.Blob.Root, e.Code, e.Message);
            }
        }
        _transport.Send(peer, BlobMessageCodec.ResponseType, BlobMessageCodec.Encode(new BlobChunkResponse(request.Blob, request.Index, chunk)));
    }

    private void Deliver(PeerId peer, BlobChunkResponse response)
    {
        // An answer nobody waits for (late, after a timeout) is dropped without blame.
        if (_pending.TryRemove((peer, response.Blob.Root, response.Index), out var waiting))
        {
            waiting.TrySetResult(response);
        }
    }

    /// <summary>Whether <paramref name="blob"/> (root and size) is in the local store.</summary>
    public bool Has(BlobId blob) => _store.GetInfo(blob.Root) == blob;

    /// <summary>
    /// Makes <paramref name="blob"/> available in the local store: true at once if it is there, else after fetching it
    /// from a peer that has it; false if no connected peer could provide it (or it exceeds this store's limit). One fetch
    /// per blob runs at a time; concurrent callers share it.
    /// </summary>
    public Task<bool> FetchAsync(BlobId blob, CancellationToken cancellationToken)
    {
        if (_store.GetInfo(blob.Root) is { } stored)
        {
            return Task.FromResult(stored == blob);
        }
        if (blob.Size is <= 0 || blob.Size > _store.Options.MaxBlobBytes
            || (_failed.TryGetValue(blob.Root, out var failed) && Stopwatch.GetTimestamp() < failed.RetryAt))
        {
            return Task.FromResult(false);
        }
        var fetch = new Lazy<Task<bool>>(() => Task.Run(() => FetchFromPeersAsync(blob, cancellationToken), CancellationToken.None));
        var running = _fetching.GetOrAdd(blob.Root, fetch);
        if (ReferenceEquals(running, fetch))
        {
            _ = fetch.Value.ContinueWith(_ => _fetching.TryRemove(KeyValuePair.Create(blob.Root, fetch)), TaskScheduler.Default);
        }
        return running.Value;
    }

    private async Task<bool> FetchFromPeersAsync(BlobId blob, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var have = new bool[blob.ChunkCount];
        var temp = _store.CreateScratchFile();
        await using (temp.ConfigureAwait(false))
        {
            // Peers in random order, so nodes fetching the same blob spread the load over whoever has it.
            var peers = _peers().ToArray();
            Random.Shared.Shuffle(peers);
            foreach (var peer in peers)
            {
                if (await FetchChunksAsync(peer, blob, temp, have, cancellationToken).ConfigureAwait(false))
                {
                    break;
                }
            }
            if (Array.IndexOf(have, false) >= 0)
            {
                if (_failed.Count >= MaxRemembered)
                {
                    _failed.Clear();
                }
                int failures = _failed.TryGetValue(blob.Root, out var failed) ? failed.Failures + 1 : 1;
                var delay = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(1).Ticks << Math.Min(failures - 1, 16), MaxRetryDelay.Ticks));
                _failed[blob.Root] = (failures, Stopwatch.GetTimestamp() + (long)(delay.TotalSeconds * Stopwatch.Frequency));
                _logger.LogInformation("Blob {Root} ({Size} bytes): none of {Peers} peers provided it; asking again in {Delay} s at the earliest",
                    blob.Root, blob.Size, peers.Length, delay.TotalSeconds);
                return false;
            }
            _failed.TryRemove(blob.Root, out _);
            temp.Position = 0;
            try
            {
                await _store.PutAsync(temp, blob.Size, blob.Root, cancellationToken).ConfigureAwait(false);
            }
            catch (BlobException e)
            {
                // Every chunk was proven against the root, so this is a local failure (disk, limit), not a peer's.
                _logger.LogWarning("Fetched blob {Root} could not be stored: {Code} {Reason}", blob.Root, e.Code, e.Message);
                return false;
            }
        }
        _logger.LogInformation("Fetched blob {Root} ({Size} bytes) from peers in {Ms} ms", blob.Root, blob.Size, clock.ElapsedMilliseconds);
        return true;
    }

    /// <summary>
    /// Asks <paramref name="peer"/> for every chunk still missing, <see cref="Window"/> at a time, paced; true once all
    /// are in, false as soon as the peer lacks one, is too slow, or sends one that does not check out.
    /// </summary>
    private async Task<bool> FetchChunksAsync(PeerId peer, BlobId blob, FileStream temp, bool[] have, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        long fetched = 0;
        var missing = Enumerable.Range(0, have.Length).Where(i => !have[i]).ToArray();
        for (int start = 0; start < missing.Length; start += Window)
        {
            var pace = TimeSpan.FromSeconds((double)fetched / PacedBytesPerSecond) - clock.Elapsed;
            if (pace > TimeSpan.Zero)
            {
                await Task.Delay(pace, cancellationToken).ConfigureAwait(false);
            }
            var batch = missing.AsMemory(start, Math.Min(Window, missing.Length - start)).ToArray();
            var answers = await Task.WhenAll(batch.Select(index => RequestAsync(peer, blob, index, cancellationToken))).ConfigureAwait(false);
            for (int i = 0; i < batch.Length; i++)
            {
                if (answers[i] is not { Chunk: { } chunk } answer)
                {
                    return false;
                }
                if (answer.Blob != blob || !chunk.Verify())
                {
                    _logger.LogWarning("Peer {Peer} sent chunk {Index} of blob {Root} that does not match the root", peer, batch[i], blob.Root);
                    _transport.ReportInvalidMessage(peer, $"chunk {batch[i]} of blob {blob.Root} does not match its root");
                    return false;
                }
                await RandomAccess.WriteAsync(temp.SafeFileHandle, chunk.Data, blob.ChunkOffset(batch[i]), cancellationToken).ConfigureAwait(false);
                have[batch[i]] = true;
                fetched += chunk.Data.Length;
            }
        }
        return true;
    }

    /// <summary>The peer's answer for one chunk, or null if it is not connected or does not answer in time.</summary>
    private async Task<BlobChunkResponse?> RequestAsync(PeerId peer, BlobId blob, int index, CancellationToken cancellationToken)
    {
        var key = (peer, blob.Root, index);
        var waiting = new TaskCompletionSource<BlobChunkResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[key] = waiting;
        try
        {
            if (!_transport.Send(peer, BlobMessageCodec.RequestType, BlobMessageCodec.Encode(new BlobChunkRequest(blob, index))))
            {
                return null;
            }
            return await waiting.Task.WaitAsync(ChunkTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return null;
        }
        finally
        {
            _pending.TryRemove(KeyValuePair.Create(key, waiting));
        }
    }
}
