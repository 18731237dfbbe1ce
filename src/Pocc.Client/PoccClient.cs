using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Pocc.Client.Events;
using Pocc.Client.Models;
using Pocc.Core.Addressing;
using Pocc.Core.Hashing;
using Pocc.Core.Merkle;
using Pocc.Ledger.Tasks;
using Pocc.Ledger.Transactions;
using Pocc.Storage.Blobs;

namespace Pocc.Client;

/// <summary>
/// A typed client for a PoCC node's HTTP API (version 1) and its block event stream. Every call takes a
/// <see cref="CancellationToken"/>; a refusal by the node throws <see cref="PoccApiException"/> with the node's stable
/// code, an unreachable or silent node <see cref="PoccUnavailableException"/>. JSON requests time out after
/// <see cref="RequestTimeout"/>; blob transfers and the event stream only time out connecting, since they may be long.
/// Thread-safe: one instance can serve many concurrent calls.
/// </summary>
public sealed class PoccClient : IDisposable
{
    /// <summary>How long connecting to the node may take.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    private static readonly MediaTypeHeaderValue OctetStream = new("application/octet-stream");
    private static readonly TimeSpan MinimumBackoff = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaximumBackoff = TimeSpan.FromSeconds(5);

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;

    /// <summary>A client with its own connection pool for the node at <paramref name="baseUrl"/> (e.g. <c>http://127.0.0.1:26657</c>).</summary>
    /// <exception cref="ArgumentException">The URL is not an absolute http(s) URL.</exception>
    public PoccClient(string baseUrl)
        : this(Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) ? uri : throw NotHttp(baseUrl))
    {
    }

    /// <summary>A client with its own connection pool for the node at <paramref name="baseUrl"/>.</summary>
    /// <exception cref="ArgumentException">The URL is not an absolute http(s) URL.</exception>
    public PoccClient(Uri baseUrl)
    {
        BaseAddress = Normalize(baseUrl);
        _http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = ConnectTimeout }) { Timeout = Timeout.InfiniteTimeSpan };
        _ownsHttp = true;
    }

    /// <summary>
    /// A client over the caller's <paramref name="http"/> (which it does not dispose), for the node at
    /// <paramref name="baseUrl"/> or, if that is null, at <paramref name="http"/>'s <see cref="HttpClient.BaseAddress"/>.
    /// The HttpClient's own <see cref="HttpClient.Timeout"/> also applies, to blob transfers and the event stream too.
    /// </summary>
    /// <exception cref="ArgumentException">Neither gives an absolute http(s) URL.</exception>
    public PoccClient(HttpClient http, Uri? baseUrl = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        BaseAddress = Normalize(baseUrl ?? http.BaseAddress ?? throw new ArgumentException("give the node's URL, or an HttpClient with a BaseAddress", nameof(baseUrl)));
        _http = http;
        _ownsHttp = false;
    }

    /// <summary>The node's URL, ending in '/'; API paths are resolved against it, so a path prefix is kept.</summary>
    public Uri BaseAddress { get; }

    /// <summary>How long a JSON request may take in all. Default 30 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the waits (<see cref="WaitForTransactionAsync"/>, <see cref="WaitForTaskAsync"/>) ask the node again. Default 100 ms.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long the event stream may stay silent (the node sends a keep-alive every 15 s) before it reconnects. Default 45 s.</summary>
    public TimeSpan StreamIdleTimeout { get; init; } = TimeSpan.FromSeconds(45);

    // ---- chain ----

    /// <summary><c>GET /v1/status</c>: chain id, head, consensus, mempool, throughput, finality and supply.</summary>
    public Task<StatusModel> GetStatusAsync(CancellationToken cancellationToken = default) =>
        GetJsonAsync<StatusModel>("v1/status", cancellationToken);

    /// <summary><c>GET /v1/node</c>: what this node process is and hosts.</summary>
    public Task<NodeInfoModel> GetNodeInfoAsync(CancellationToken cancellationToken = default) =>
        GetJsonAsync<NodeInfoModel>("v1/node", cancellationToken);

    /// <summary><c>GET /v1/accounts/{address}</c>: balance, nonce, stake and unbondings, with a sparse Merkle proof against the head's state root.</summary>
    public Task<AccountModel> GetAccountAsync(Address address, CancellationToken cancellationToken = default) =>
        GetJsonAsync<AccountModel>($"v1/accounts/{address}", cancellationToken);

    /// <summary><c>GET /v1/blocks/{height}</c>; with <paramref name="full"/> the transaction bodies too. Code <c>block.not_found</c> above the head.</summary>
    public Task<BlockModel> GetBlockAsync(ulong height, bool full = false, CancellationToken cancellationToken = default) =>
        GetBlockAsync(height.ToString(CultureInfo.InvariantCulture), full, cancellationToken);

    /// <summary><c>GET /v1/blocks/{hash}</c>; with <paramref name="full"/> the transaction bodies too.</summary>
    public Task<BlockModel> GetBlockAsync(Hash32 hash, bool full = false, CancellationToken cancellationToken = default) =>
        GetBlockAsync(hash.ToString(), full, cancellationToken);

    /// <summary><c>GET /v1/blocks/latest</c>: the head; code <c>block.not_found</c> while only the genesis exists.</summary>
    public Task<BlockModel> GetLatestBlockAsync(bool full = false, CancellationToken cancellationToken = default) =>
        GetBlockAsync("latest", full, cancellationToken);

    /// <summary><c>GET /v1/blocks?before=&amp;limit=</c>: block summaries newest first, below height <paramref name="before"/> if given.</summary>
    public Task<BlockListModel> ListBlocksAsync(ulong? before = null, int? limit = null, CancellationToken cancellationToken = default) =>
        GetJsonAsync<BlockListModel>(WithQuery("v1/blocks", ("before", before), ("limit", limit)), cancellationToken);

    /// <summary><c>GET /v1/validators</c>: the bonded validators with their recent proposals and missed votes.</summary>
    public Task<ValidatorListModel> GetValidatorsAsync(CancellationToken cancellationToken = default) =>
        GetJsonAsync<ValidatorListModel>("v1/validators", cancellationToken);

    /// <summary><c>GET /v1/stats/history?limit=</c>: the most recent finalized blocks as points of a time series.</summary>
    public Task<HistoryModel> GetHistoryAsync(int? limit = null, CancellationToken cancellationToken = default) =>
        GetJsonAsync<HistoryModel>(WithQuery("v1/stats/history", ("limit", limit)), cancellationToken);

    /// <summary><c>GET /v1/market</c>: the compute market's task counts, verified compute, rewards and slashes.</summary>
    public Task<MarketModel> GetMarketAsync(CancellationToken cancellationToken = default) =>
        GetJsonAsync<MarketModel>("v1/market", cancellationToken);

    // ---- transactions ----

    /// <summary><c>POST /v1/transactions</c> with a signed transaction's canonical bytes. The answer (202) means the mempool took it, not that it will be finalized.</summary>
    public async Task<SubmitTransactionResponse> SubmitTransactionAsync(ReadOnlyMemory<byte> encoded, CancellationToken cancellationToken = default)
    {
        using var content = new ReadOnlyMemoryContent(encoded);
        content.Headers.ContentType = OctetStream;
        return await SendJsonAsync<SubmitTransactionResponse>(HttpMethod.Post, "v1/transactions", content, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>POST /v1/transactions</c> with <paramref name="transaction"/>'s canonical bytes.</summary>
    public Task<SubmitTransactionResponse> SubmitTransactionAsync(SignedTransaction transaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return SubmitTransactionAsync(transaction.Encoded.ToArray(), cancellationToken);
    }

    /// <summary>
    /// <c>POST /v1/transactions/batch</c>: up to 10,000 transactions in one request, checked in parallel; each item of
    /// the answer says whether that transaction was accepted, and if not, why (its code).
    /// </summary>
    public async Task<SubmitBatchResponse> SubmitBatchAsync(IEnumerable<SignedTransaction> transactions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        var request = new SubmitBatchRequest([.. transactions.Select(t => Convert.ToHexStringLower(t.Encoded))]);
        using var content = JsonContent.Create(request, options: PoccJson.Options);
        return await SendJsonAsync<SubmitBatchResponse>(HttpMethod.Post, "v1/transactions/batch", content, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>GET /v1/transactions/{hash}</c>: "pending", or "finalized" with its block and a Merkle inclusion proof against
    /// the header's transactions root. Code <c>tx.not_found</c> (404) when the node knows no such transaction.
    /// </summary>
    public Task<TransactionLookupModel> GetTransactionAsync(Hash32 hash, CancellationToken cancellationToken = default) =>
        GetJsonAsync<TransactionLookupModel>($"v1/transactions/{hash}", cancellationToken);

    /// <summary>
    /// Polls <see cref="GetTransactionAsync"/> until the transaction is finalized and returns that answer. Throws
    /// <see cref="PoccTransactionDroppedException"/> when the node no longer knows it; ends with the token otherwise.
    /// </summary>
    public async Task<TransactionLookupModel> WaitForTransactionAsync(Hash32 hash, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            TransactionLookupModel lookup;
            try
            {
                lookup = await GetTransactionAsync(hash, cancellationToken).ConfigureAwait(false);
            }
            catch (PoccApiException e) when (e.IsNotFound && e.Code == ApiErrorCodes.TransactionNotFound)
            {
                throw new PoccTransactionDroppedException(hash,
                    $"transaction {hash} was dropped by the node: it is neither pending nor finalized, so the chain refused it when it came to execute it");
            }
            if (lookup.Status == "finalized")
            {
                return lookup;
            }
            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Submits <paramref name="transaction"/> and waits until it is finalized (see <see cref="WaitForTransactionAsync"/>).</summary>
    public async Task<TransactionLookupModel> SubmitAndWaitAsync(SignedTransaction transaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        await SubmitTransactionAsync(transaction, cancellationToken).ConfigureAwait(false);
        return await WaitForTransactionAsync(transaction.Hash, cancellationToken).ConfigureAwait(false);
    }

    // ---- the compute market ----

    /// <summary><c>GET /v1/tasks/{id}</c>: spec, fee, state, worker, result, outcome and soundness. Code <c>task.not_found</c> (404).</summary>
    public Task<TaskModel> GetTaskAsync(ulong id, CancellationToken cancellationToken = default) =>
        GetJsonAsync<TaskModel>(string.Create(CultureInfo.InvariantCulture, $"v1/tasks/{id}"), cancellationToken);

    /// <summary><c>GET /v1/tasks</c>: one page of tasks, newest first; <see cref="TaskListModel.NextBefore"/> asks for the next.</summary>
    public Task<TaskListModel> ListTasksAsync(TaskQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new TaskQuery();
        return GetJsonAsync<TaskListModel>(WithQuery("v1/tasks",
            ("state", query.State is { } state ? WireNames.Name(state) : null),
            ("worker", query.Worker?.ToString()),
            ("before", query.Before),
            ("limit", query.Limit)), cancellationToken);
    }

    /// <summary>Every task matching <paramref name="query"/>, newest first, fetching page after page (of <see cref="TaskQuery.Limit"/>) as it is enumerated.</summary>
    public async IAsyncEnumerable<TaskModel> EnumerateTasksAsync(TaskQuery? query = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        query ??= new TaskQuery();
        while (true)
        {
            var page = await ListTasksAsync(query, cancellationToken).ConfigureAwait(false);
            foreach (var task in page.Tasks)
            {
                yield return task;
            }
            if (page.NextBefore is not { } next)
            {
                yield break;
            }
            query = query with { Before = next };
        }
    }

    /// <summary>
    /// Polls the task until it is closed (settled, rejected or expired) and returns it. <paramref name="onChange"/> sees
    /// it first and then whenever its state, attempt or outcome changes. The wait outlasts the node: while it is
    /// unreachable or failing, the wait goes on, and <paramref name="onUnavailable"/> hears of each such outage once.
    /// Ends with the token.
    /// </summary>
    public async Task<TaskModel> WaitForTaskAsync(ulong id, Action<TaskModel>? onChange = null, Action<PoccClientException>? onUnavailable = null,
        CancellationToken cancellationToken = default)
    {
        TaskModel? last = null;
        bool unavailable = false;
        while (true)
        {
            TaskModel task;
            try
            {
                task = await GetTaskAsync(id, cancellationToken).ConfigureAwait(false);
                unavailable = false;
            }
            catch (PoccClientException e) when (e.IsTransient)
            {
                if (!unavailable)
                {
                    unavailable = true;
                    onUnavailable?.Invoke(e);
                }
                await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
                continue;
            }
            if (last is null || task.State != last.State || task.Attempts != last.Attempts || task.Outcome != last.Outcome)
            {
                onChange?.Invoke(task);
            }
            last = task;
            if (WireNames.IsClosed(task.State))
            {
                return task;
            }
            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// <c>GET /v1/workers?after=&amp;limit=</c>: a page of registered workers in address order, starting after
    /// <paramref name="after"/>; the answer's <c>NextAfter</c> is the cursor of the next page.
    /// </summary>
    public Task<WorkerListModel> ListWorkersAsync(Address? after = null, int? limit = null, CancellationToken cancellationToken = default) =>
        GetJsonAsync<WorkerListModel>(WithQuery("v1/workers", ("after", after?.ToString()), ("limit", limit)), cancellationToken);

    /// <summary><c>GET /v1/workers/{address}</c>: stake, capabilities, reputation, verified compute, earnings, slashes. Code <c>worker.not_found</c> (404).</summary>
    public Task<WorkerModel> GetWorkerAsync(Address address, CancellationToken cancellationToken = default) =>
        GetJsonAsync<WorkerModel>($"v1/workers/{address}", cancellationToken);

    // ---- blobs ----

    /// <summary>
    /// <c>PUT /v1/blobs</c>: streams <paramref name="length"/> bytes of <paramref name="content"/> to the node's blob
    /// store. With <paramref name="expectedRoot"/> the node refuses (<c>blob.root_mismatch</c>) bytes that arrive
    /// different from what the caller hashed. Sends <c>Expect: 100-continue</c>, so a refusal by the headers alone (too
    /// large, malformed root) comes before any of the body is sent.
    /// </summary>
    public Task<BlobModel> PutBlobAsync(Stream content, long length, Hash32? expectedRoot = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return PutBlobAsync(new StreamContent(content, BlobId.ChunkSize), length, expectedRoot, cancellationToken);
    }

    /// <summary>
    /// Hashes <paramref name="content"/> here, uploads it asserting that root, and checks the node stored exactly that
    /// blob; returns the blob's identity.
    /// </summary>
    public async Task<BlobModel> PutBlobAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        var local = BlobHasher.Compute(content.Span);
        var stored = await PutBlobAsync(new ReadOnlyMemoryContent(content), content.Length, local.Root, cancellationToken).ConfigureAwait(false);
        if (stored.Root != local.Root.ToString() || stored.Size != local.Size)
        {
            throw new PoccClientException($"{BlobException.RootMismatch}: the node at {BaseAddress} stored {stored.Root}:{stored.Size} for the blob {local}", BlobException.RootMismatch);
        }
        return stored;
    }

    /// <summary>
    /// <c>GET /v1/blobs/{root}</c> into <paramref name="destination"/>, hashing on the way. Throws
    /// <see cref="PoccClientException"/> with code <c>blob.root_mismatch</c> unless the bytes are exactly that blob
    /// (whatever was written by then must be discarded), <see cref="PoccApiException"/> with <c>blob.not_found</c> when
    /// the node lacks it, and <see cref="PoccUnavailableException"/> when the download breaks off.
    /// </summary>
    public async Task<BlobModel> GetBlobAsync(Hash32 root, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var request = new HttpRequestMessage(HttpMethod.Get, Resolve($"v1/blobs/{root}"));
        using var response = await SendAsync(request, HttpCompletionOption.ResponseHeadersRead, null, cancellationToken).ConfigureAwait(false);
        await ThrowIfErrorAsync(response, cancellationToken).ConfigureAwait(false);
        var buffer = ArrayPool<byte>.Shared.Rent(BlobId.ChunkSize);
        try
        {
            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var verifying = new VerifyingBlobStream(body, root, response.Content.Headers.ContentLength);
            await using (verifying.ConfigureAwait(false))
            {
                // Only reading is the node's doing; a failure to write is the destination's and passes unchanged.
                while (await ReadAsync(verifying, buffer, root, cancellationToken).ConfigureAwait(false) is > 0 and var read)
                {
                    await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
                var blob = verifying.Verified!.Value;
                return new BlobModel(root.ToString(), blob.Size, blob.ChunkCount);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<int> ReadAsync(VerifyingBlobStream blob, byte[] buffer, Hash32 root, CancellationToken cancellationToken)
    {
        try
        {
            return await blob.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (BlobException e)
        {
            throw new PoccClientException($"{e.Code}: the node at {BaseAddress} sent bytes that are not blob {root} ({e.Message})", e.Code, e);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw new PoccUnavailableException($"the download of blob {root} from {BaseAddress} broke off: {e.Message}", e);
        }
    }

    /// <summary><c>GET /v1/blobs/{root}/info</c>: the blob's size and chunk count, if the node stores it (else <c>blob.not_found</c>).</summary>
    public Task<BlobModel> GetBlobInfoAsync(Hash32 root, CancellationToken cancellationToken = default) =>
        GetJsonAsync<BlobModel>($"v1/blobs/{root}/info", cancellationToken);

    /// <summary>
    /// <c>GET /v1/blobs/{root}/chunks/{index}</c>: one 256 KiB chunk, whose Merkle proof is checked here against
    /// <paramref name="root"/> (code <c>blob.root_mismatch</c> if it fails). The proof fixes the chunk count; compare
    /// <see cref="BlobChunkModel.Size"/> with the size the chain committed to before trusting it.
    /// </summary>
    public async Task<BlobChunkModel> GetBlobChunkAsync(Hash32 root, int index, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var chunk = await GetJsonAsync<BlobChunkModel>(string.Create(CultureInfo.InvariantCulture, $"v1/blobs/{root}/chunks/{index}"), cancellationToken)
            .ConfigureAwait(false);
        bool valid;
        try
        {
            var proof = new MerkleProof(chunk.Proof.LeafIndex, chunk.Proof.LeafCount, [.. chunk.Proof.Siblings.Select(Hash32.Parse)]);
            valid = chunk.Root == root.ToString() && chunk.Index == index && chunk.Size is >= 0 and <= BlobId.MaxSize
                && BlobStore.VerifyChunk(new BlobId(root, chunk.Size), index, Convert.FromBase64String(chunk.Data), proof);
        }
        catch (FormatException)
        {
            valid = false;
        }
        return valid ? chunk : throw new PoccClientException(
            string.Create(CultureInfo.InvariantCulture, $"{BlobException.RootMismatch}: the node at {BaseAddress} sent chunk {index} of blob {root} with a proof that does not hold"),
            BlobException.RootMismatch);
    }

    // ---- events ----

    /// <summary>
    /// <c>GET /v1/events/blocks</c>: one <see cref="BlockEventModel"/> per finalized block, as the node finalizes them,
    /// until <paramref name="cancellationToken"/> is cancelled; then the enumeration simply ends. If the first
    /// connection fails this throws; a stream that breaks later (node restart, silence beyond
    /// <see cref="StreamIdleTimeout"/>) is reopened with backoff, sending the last height seen as <c>Last-Event-ID</c>.
    /// The node does not replay blocks finalized while the stream was down, so heights may jump after a reconnect; a
    /// height already delivered is never delivered again.
    /// </summary>
    public async IAsyncEnumerable<BlockEventModel> StreamBlocksAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ulong? last = null;
        bool everConnected = false;
        var backoff = MinimumBackoff;
        while (!cancellationToken.IsCancellationRequested)
        {
            var stream = await OpenBlockStreamAsync(last, mustSucceed: !everConnected, cancellationToken).ConfigureAwait(false);
            if (stream is not null)
            {
                everConnected = true;
                using (stream)
                {
                    while (await stream.ReadBlockAsync(StreamIdleTimeout, cancellationToken).ConfigureAwait(false) is { } block)
                    {
                        backoff = MinimumBackoff;
                        if (last is { } seen && block.Height <= seen)
                        {
                            continue;
                        }
                        last = block.Height;
                        yield return block;
                    }
                }
            }
            // Down, or the stream ended: wait before trying again, longer each time nothing arrives in between.
            if (!await DelayAsync(backoff, cancellationToken).ConfigureAwait(false))
            {
                yield break;
            }
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaximumBackoff.Ticks));
        }
    }

    /// <summary>Opens the event stream; null (after a transient failure, when <paramref name="mustSucceed"/> is false) or on cancellation.</summary>
    private async Task<BlockEventStream?> OpenBlockStreamAsync(ulong? lastHeight, bool mustSucceed, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Resolve("v1/events/blocks"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastHeight is { } height)
        {
            request.Headers.Add("Last-Event-ID", height.ToString(CultureInfo.InvariantCulture));
        }
        HttpResponseMessage? response = null;
        try
        {
            response = await SendAsync(request, HttpCompletionOption.ResponseHeadersRead, StreamIdleTimeout, cancellationToken).ConfigureAwait(false);
            await ThrowIfErrorAsync(response, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return new BlockEventStream(response, body, BaseAddress);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            response?.Dispose();
            return null;
        }
        catch (Exception e) when (!mustSucceed && (e is PoccClientException { IsTransient: true } or HttpRequestException or IOException))
        {
            response?.Dispose();
            return null;
        }
        catch
        {
            response?.Dispose();
            throw;
        }
    }

    private static async Task<bool> DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    // ---- plumbing ----

    /// <summary>Closes the client's connections; an HttpClient the caller gave it stays open.</summary>
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private async Task<BlobModel> PutBlobAsync(HttpContent body, long length, Hash32? expectedRoot, CancellationToken cancellationToken)
    {
        using (body)
        {
            body.Headers.ContentType = OctetStream;
            body.Headers.ContentLength = length;
            using var request = new HttpRequestMessage(HttpMethod.Put, Resolve(expectedRoot is { } root ? $"v1/blobs?root={root}" : "v1/blobs")) { Content = body };
            // Lets the node refuse (too large, malformed root) from the headers alone, before any of the body is sent;
            // otherwise an early refusal arrives as a reset connection in the middle of the upload.
            request.Headers.ExpectContinue = true;
            using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, null, cancellationToken).ConfigureAwait(false);
            await ThrowIfErrorAsync(response, cancellationToken).ConfigureAwait(false);
            return await ReadJsonAsync<BlobModel>(response, "PUT v1/blobs", cancellationToken).ConfigureAwait(false);
        }
    }

    private Task<BlockModel> GetBlockAsync(string id, bool full, CancellationToken cancellationToken) =>
        GetJsonAsync<BlockModel>(full ? $"v1/blocks/{id}?full=true" : $"v1/blocks/{id}", cancellationToken);

    private Task<T> GetJsonAsync<T>(string path, CancellationToken cancellationToken) => SendJsonAsync<T>(HttpMethod.Get, path, null, cancellationToken);

    private async Task<T> SendJsonAsync<T>(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, Resolve(path)) { Content = content };
        using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, RequestTimeout, cancellationToken).ConfigureAwait(false);
        await ThrowIfErrorAsync(response, cancellationToken).ConfigureAwait(false);
        return await ReadJsonAsync<T>(response, $"{method} {path}", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends, turning a failure to connect, or no answer within <paramref name="timeout"/> (for a streamed answer: no
    /// headers), into <see cref="PoccUnavailableException"/>.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion, TimeSpan? timeout,
        CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout is not null)
        {
            deadline.CancelAfter(timeout.Value);
        }
        try
        {
            return await _http.SendAsync(request, completion, deadline.Token).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new PoccUnavailableException($"cannot reach the node at {BaseAddress}: {e.Message}", e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new PoccUnavailableException(timeout is null
                ? $"the node at {BaseAddress} did not answer in time"
                : string.Create(CultureInfo.InvariantCulture, $"the node at {BaseAddress} did not answer within {timeout.Value.TotalSeconds:0.###} s"), e);
        }
    }

    private async Task ThrowIfErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        string body;
        try
        {
            body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw new PoccUnavailableException($"the node at {BaseAddress} broke off its answer ({(int)response.StatusCode} {response.ReasonPhrase}): {e.Message}", e);
        }
        throw ToException(response.StatusCode, response.ReasonPhrase, body);
    }

    /// <summary>An error answer as an exception: the problem's code, title and detail, or a clear message from whatever else the body was.</summary>
    internal static PoccApiException ToException(HttpStatusCode status, string? reasonPhrase, string body)
    {
        string? code = null, title = null, detail = null;
        bool isProblem = false;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                isProblem = true;
                code = Text(document.RootElement, "code");
                title = Text(document.RootElement, "title");
                detail = Text(document.RootElement, "detail");
            }
        }
        catch (JsonException)
        {
        }
        string reason = reasonPhrase is { Length: > 0 } ? reasonPhrase : status.ToString();
        if (!isProblem)
        {
            string text = body.Trim();
            title = reason;
            detail = text.Length == 0 ? reason : $"{reason} (the answer is not a problem+json body: {(text.Length > 200 ? text[..200] + "…" : text)})";
        }
        return new PoccApiException(status, code ?? PoccApiException.CodeFor(status), title ?? reason, detail);

        static string? Text(JsonElement element, string name) =>
            element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }

    private async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(PoccJson.Options, cancellationToken).ConfigureAwait(false)
                ?? throw new JsonException("the body is null");
        }
        catch (JsonException e)
        {
            throw new PoccClientException($"the node at {BaseAddress} answered {what} with a body that is not the expected JSON: {e.Message}", e);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw new PoccUnavailableException($"the node at {BaseAddress} broke off its answer to {what}: {e.Message}", e);
        }
    }

    private Uri Resolve(string path) => new(BaseAddress, path);

    private static string WithQuery(string path, params (string Name, object? Value)[] parameters)
    {
        var query = string.Join('&', parameters
            .Where(p => p.Value is not null)
            .Select(p => $"{p.Name}={Uri.EscapeDataString(Convert.ToString(p.Value, CultureInfo.InvariantCulture)!)}"));
        return query.Length == 0 ? path : $"{path}?{query}";
    }

    private static Uri Normalize(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps) || url.Query.Length > 0 || url.Fragment.Length > 0)
        {
            throw NotHttp(url.OriginalString);
        }
        return url.AbsolutePath.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");
    }

    private static ArgumentException NotHttp(string url) => new($"'{url}' is not an http(s) URL of a node", nameof(url));
}
