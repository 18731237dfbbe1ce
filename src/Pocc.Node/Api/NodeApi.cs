using Pocc.Node.P2p;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Pocc.Consensus.Engine;
using Pocc.Core.Addressing;
using Pocc.Core.Encoding;
using Pocc.Core.Hashing;
using Pocc.Ledger;
using Pocc.Ledger.Chain;
using Pocc.Ledger.Mempool;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.State;
using Pocc.Ledger.Transactions;
using Pocc.Node.Hosting;
using Pocc.Node.Telemetry;

namespace Pocc.Node.Api;

/// <summary>The node's HTTP/JSON API, version 1.</summary>
public static class NodeApi
{
    /// <summary>A batch may carry at most this many transactions, so one request cannot monopolise the node.</summary>
    public const int MaxBatchTransactions = 10_000;

    public static void MapNodeApi(this WebApplication app)
    {
        var v1 = app.MapGroup("/v1");

        v1.MapGet("/status", GetStatus).WithName("GetStatus").WithSummary("Chain head, consensus, mempool and finality figures.");
        v1.MapPost("/transactions", SubmitTransaction).WithName("SubmitTransaction")
            .WithSummary("Submit one signed transaction: its canonical bytes (application/octet-stream) or JSON {\"tx\": hex}.")
            .Accepts<SubmitTransactionRequest>("application/json", "application/octet-stream")
            .Produces<SubmitTransactionResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                // The octet-stream form is the transaction's canonical encoding, not a JSON object.
                if (operation.RequestBody?.Content?.TryGetValue("application/octet-stream", out var bytes) == true)
                {
                    bytes.Schema = new Microsoft.OpenApi.OpenApiSchema { Type = Microsoft.OpenApi.JsonSchemaType.String, Format = "binary" };
                }
                return Task.CompletedTask;
            });
        v1.MapPost("/transactions/batch", SubmitBatch).WithName("SubmitTransactionBatch")
            .WithSummary($"Submit up to {MaxBatchTransactions} hex-encoded signed transactions; signatures are verified in parallel.")
            .Accepts<SubmitBatchRequest>("application/json")
            .Produces<SubmitBatchResponse>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        v1.MapGet("/transactions/{hash}", GetTransaction).WithName("GetTransaction")
            .WithSummary("A transaction by id, with its block and a Merkle inclusion proof against the header's transactions root; or its pending status.")
            .Produces<TransactionLookupModel>().ProducesProblem(StatusCodes.Status404NotFound);
        v1.MapGet("/accounts/{address}", GetAccount).WithName("GetAccount")
            .WithSummary("An account's balance, nonce and stake, with a sparse Merkle proof against the head's state root.")
            .Produces<AccountModel>().ProducesProblem(StatusCodes.Status400BadRequest);
        v1.MapGet("/blocks/{id}", GetBlock).WithName("GetBlock")
            .WithSummary("A block by height, by hash, or 'latest'; ?full=true includes transaction bodies.")
            .Produces<BlockModel>().ProducesProblem(StatusCodes.Status404NotFound);
        v1.MapGet("/events/blocks", StreamBlocks).WithName("StreamBlocks")
            .WithSummary("Server-sent events: one 'block' event per finalized block.")
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream");
    }

    private static StatusModel GetStatus(Blockchain chain, TransactionPool pool, IConsensusEngine engine, NodeStatistics stats, NodePeers peers)
    {
        var status = engine.Status;
        var supply = chain.Supply;
        var head = chain.GetHead();
        return new StatusModel(
            chain.ChainId.Value, chain.GenesisHash.ToString(), head.Height.Value, head.Hash.ToString(), head.StateRoot.ToString(),
            head.Header?.TimestampMs, status.Engine, status.LocalValidator?.ToString(), status.Producing, status.Validators,
            status.BlockInterval.TotalMilliseconds, pool.Count, pool.Bytes, peers.Connected, Math.Round(stats.RecentTransactionsPerSecond, 1),
            stats.BlocksFinalized, stats.TransactionsFinalized, stats.Finality.PercentileMs(0.50), stats.Finality.PercentileMs(0.99),
            new SupplyModel(ApiMapping.Amount(supply.Genesis), ApiMapping.Amount(supply.Minted), ApiMapping.Amount(supply.Burned), ApiMapping.Amount(supply.Total)),
            chain.SupplyIsConserved(), typeof(NodeApi).Assembly.GetName().Version?.ToString() ?? "0")
        {
            Round = status.Round,
            Step = status.Step,
        };
    }

    private static async Task<IResult> SubmitTransaction(HttpRequest request, TransactionPool pool, CancellationToken cancellationToken)
    {
        byte[] bytes;
        if (request.ContentType?.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase) == true)
        {
            var body = await ReadBodyAsync(request, SignedTransaction.MaxEncodedSize, cancellationToken).ConfigureAwait(false);
            if (body is null)
            {
                return ApiProblems.Problem(StatusCodes.Status413PayloadTooLarge, ApiProblems.TooLarge, $"a transaction is at most {SignedTransaction.MaxEncodedSize} bytes");
            }
            bytes = body;
        }
        else if (request.HasJsonContentType())
        {
            SubmitTransactionRequest? json;
            try
            {
                json = await request.ReadFromJsonAsync<SubmitTransactionRequest>(cancellationToken).ConfigureAwait(false);
            }
            catch (JsonException e)
            {
                return ApiProblems.Problem(StatusCodes.Status400BadRequest, ApiProblems.MalformedBody, $"body is not the expected JSON: {e.Message}");
            }
            if (json?.Tx is null)
            {
                return ApiProblems.Problem(StatusCodes.Status400BadRequest, ApiProblems.MalformedBody, "body needs a 'tx' field with the transaction's hex encoding");
            }
            if (!TryHex(json.Tx, SignedTransaction.MaxEncodedSize, out bytes, out var problem))
            {
                return problem!;
            }
        }
        else
        {
            return ApiProblems.Problem(StatusCodes.Status415UnsupportedMediaType, ApiProblems.UnsupportedMediaType, "send application/octet-stream (canonical bytes) or application/json {\"tx\": hex}");
        }

        try
        {
            var tx = SignedTransaction.Decode(bytes);
            pool.Add(tx);
            return Results.Accepted($"/v1/transactions/{tx.Hash}", new SubmitTransactionResponse(tx.Hash.ToString(), "pending"));
        }
        catch (CodecException e)
        {
            return ApiProblems.From(e);
        }
        catch (LedgerException e)
        {
            return ApiProblems.From(e);
        }
    }

    private static async Task<IResult> SubmitBatch(HttpRequest request, TransactionPool pool, CancellationToken cancellationToken)
    {
        SubmitBatchRequest? json;
        try
        {
            json = await request.ReadFromJsonAsync<SubmitBatchRequest>(cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            return ApiProblems.Problem(StatusCodes.Status400BadRequest, ApiProblems.MalformedBody, $"body is not the expected JSON: {e.Message}");
        }
        catch (InvalidOperationException)
        {
            return ApiProblems.Problem(StatusCodes.Status415UnsupportedMediaType, ApiProblems.UnsupportedMediaType, "send application/json {\"txs\": [hex, ...]}");
        }
        if (json?.Txs is null)
        {
            return ApiProblems.Problem(StatusCodes.Status400BadRequest, ApiProblems.MalformedBody, "body needs a 'txs' array of hex-encoded transactions");
        }
        if (json.Txs.Count > MaxBatchTransactions)
        {
            return ApiProblems.Problem(StatusCodes.Status413PayloadTooLarge, ApiProblems.TooLarge, $"a batch holds at most {MaxBatchTransactions} transactions");
        }

        var results = new BatchItemResult[json.Txs.Count];
        var decoded = new List<SignedTransaction>(json.Txs.Count);
        var positions = new List<int>(json.Txs.Count);
        for (int i = 0; i < json.Txs.Count; i++)
        {
            try
            {
                if (!TryHex(json.Txs[i], SignedTransaction.MaxEncodedSize, out var bytes, out _))
                {
                    results[i] = new BatchItemResult(null, false, ApiProblems.MalformedBody, "not a hex-encoded transaction within the size limit");
                    continue;
                }
                decoded.Add(SignedTransaction.Decode(bytes));
                positions.Add(i);
            }
            catch (CodecException e)
            {
                results[i] = new BatchItemResult(null, false, e.Code, e.Message);
            }
        }
        var errors = pool.AddBatch(decoded);
        for (int j = 0; j < decoded.Count; j++)
        {
            var error = errors[j];
            results[positions[j]] = new BatchItemResult(decoded[j].Hash.ToString(), error is null, error?.Code, error?.Message);
        }
        int accepted = results.Count(r => r.Accepted);
        return Results.Ok(new SubmitBatchResponse(accepted, results.Length - accepted, results));
    }

    private static IResult GetTransaction(string hash, Blockchain chain, TransactionPool pool)
    {
        if (!Hash32.TryParse(hash, out var txHash))
        {
            return ApiProblems.Problem(StatusCodes.Status400BadRequest, ApiProblems.InvalidId, "a transaction id is 64 hexadecimal characters");
        }
        if (chain.FindTransaction(txHash) is { } location && chain.GetBlock(location.Height) is { } block)
        {
            return Results.Ok(new TransactionLookupModel(txHash.ToString(), "finalized", location.Height.Value, location.Index, block.Hash.ToString(),
                block.Header.TransactionsRoot.ToString(), ApiMapping.ToModel(block.ProveTransaction(location.Index)),
                ApiMapping.ToModel(block.Transactions[location.Index])));
        }
        if (pool.Contains(txHash))
        {
            return Results.Ok(new TransactionLookupModel(txHash.ToString(), "pending", null, null, null, null, null, null));
        }
        return ApiProblems.Problem(StatusCodes.Status404NotFound, ApiProblems.TransactionNotFound, $"no transaction {txHash} is finalized or pending here");
    }

    private static IResult GetAccount(string address, Blockchain chain)
    {
        if (!Address.TryParse(address, out var parsed))
        {
            return ApiProblems.Problem(StatusCodes.Status400BadRequest, ApiProblems.InvalidAddress, $"'{address}' is not a valid pocc address (bech32m, prefix 'pocc')");
        }
        var (account, proof, root, header) = chain.GetAccountWithProof(parsed);
        var key = StateKeys.Account(parsed);
        return Results.Ok(new AccountModel(parsed.ToString(), ApiMapping.Amount(account.Balance), account.Nonce, ApiMapping.Amount(account.Bonded),
            ApiMapping.ToModel(account), header?.Height.Value ?? 0, root.ToString(),
            Blake3Hash.Of(account.Encode()).ToString(), ApiMapping.ToModel(key, proof)));
    }

    private static IResult GetBlock(string id, bool? full, Blockchain chain)
    {
        Ledger.Blocks.Block? block;
        if (id == "latest")
        {
            block = chain.Height == Height.Genesis ? null : chain.GetBlock(chain.Height);
        }
        else if (Hash32.TryParse(id, out var hash))
        {
            block = chain.GetBlock(hash);
        }
        else if (id.Length <= 20 && ulong.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var height))
        {
            block = chain.GetBlock(new Height(height));
        }
        else
        {
            return ApiProblems.Problem(StatusCodes.Status400BadRequest, ApiProblems.InvalidId, "a block id is a height, a 64-hex-character hash, or 'latest'");
        }
        if (block is null)
        {
            return ApiProblems.Problem(StatusCodes.Status404NotFound, ApiProblems.BlockNotFound, $"no block '{id}' (the head is at height {chain.Height})");
        }
        return Results.Ok(ApiMapping.ToModel(block, chain.GetCommit(block.Header.Height), full == true));
    }

    private static async Task StreamBlocks(HttpContext context, BlockEventHub hub, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, IHostApplicationLifetime lifetime)
    {
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        context.Response.Headers.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        // The stream ends when the client leaves or the node begins to stop, so an open stream never delays shutdown.
        using var streamLifetime = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var cancellationToken = streamLifetime.Token;
        var reader = hub.Subscribe(cancellationToken);
        await context.Response.WriteAsync(": connected\n\n", cancellationToken).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                using var keepAlive = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                keepAlive.CancelAfter(TimeSpan.FromSeconds(15));
                BlockEventModel block;
                try
                {
                    block = await reader.ReadAsync(keepAlive.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    await context.Response.WriteAsync(": keep-alive\n\n", cancellationToken).ConfigureAwait(false);
                    await context.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }
                var data = JsonSerializer.Serialize(block, json.Value.SerializerOptions);
                await context.Response.WriteAsync($"event: block\nid: {block.Height}\ndata: {data}\n\n", cancellationToken).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away or the node is shutting down.
        }
        catch (System.Threading.Channels.ChannelClosedException)
        {
        }
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static bool TryHex(string? hex, int maxBytes, out byte[] bytes, out IResult? problem)
    {
        bytes = [];
        problem = null;
        if (hex is null)
        {
            problem = ApiProblems.Problem(StatusCodes.Status400BadRequest, ApiProblems.MalformedBody, "a transaction must be a hex string, not null");
            return false;
        }
        if (hex.Length > maxBytes * 2)
        {
            problem = ApiProblems.Problem(StatusCodes.Status413PayloadTooLarge, ApiProblems.TooLarge, $"a transaction is at most {maxBytes} bytes");
            return false;
        }
        try
        {
            bytes = Convert.FromHexString(hex);
            return true;
        }
        catch (FormatException)
        {
            problem = ApiProblems.Problem(StatusCodes.Status400BadRequest, ApiProblems.MalformedBody, "the transaction is not valid hexadecimal");
            return false;
        }
    }
}
