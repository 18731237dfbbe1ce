using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;
using Pocc.Core.Hashing;
using Pocc.Storage.Blobs;

namespace Pocc.Node.Api;

/// <summary>
/// The blob endpoints of API v1: upload raw bytes, download them, and fetch single chunks with Merkle proofs against
/// the blob's root. Blobs are immutable and named by their content, so downloads carry the root as a strong ETag and
/// may be cached forever.
/// </summary>
public static class BlobApi
{
    public static void MapBlobApi(this WebApplication app)
    {
        var blobs = app.MapGroup("/v1/blobs");
        blobs.MapPut("", PutBlob).WithName("PutBlob")
            .WithSummary("Store the request body (raw bytes, streamed) as a blob; ?root= asserts the root it must hash to.")
            .Accepts<Stream>("application/octet-stream")
            .Produces<BlobModel>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        blobs.MapGet("/{root}", GetBlob).WithName("GetBlob")
            .WithSummary("The blob's bytes (application/octet-stream); supports Range and If-None-Match.")
            .Produces<Stream>(StatusCodes.Status200OK, "application/octet-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        blobs.MapGet("/{root}/info", GetInfo).WithName("GetBlobInfo")
            .WithSummary("The blob's size and chunk count, if it is stored here.")
            .Produces<BlobModel>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        blobs.MapGet("/{root}/chunks/{index}", GetChunk).WithName("GetBlobChunk")
            .WithSummary("One 256 KiB chunk (base64) with its Merkle proof against the blob's root; check the proof's leaf count against the committed size.")
            .Produces<BlobChunkModel>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
    }

    public static int StatusFor(string code) => code switch
    {
        BlobException.TooLarge => StatusCodes.Status413PayloadTooLarge,
        BlobException.RootMismatch => StatusCodes.Status422UnprocessableEntity,
        BlobException.NotFound or BlobException.ChunkNotFound => StatusCodes.Status404NotFound,
        BlobException.InvalidRoot => StatusCodes.Status400BadRequest,
        BlobException.Corrupt => StatusCodes.Status500InternalServerError,
        _ => StatusCodes.Status422UnprocessableEntity,
    };

    public static IResult From(BlobException e) => ApiProblems.Problem(StatusFor(e.Code), e.Code, e.Message);

    private static async Task<IResult> PutBlob(HttpContext context, BlobStore store, [FromQuery] string? root, CancellationToken cancellationToken)
    {
        Hash32? expected = null;
        if (root is not null)
        {
            if (!Hash32.TryParse(root, out var parsed))
            {
                return InvalidRoot(root);
            }
            expected = parsed;
        }
        long max = store.Options.MaxBlobBytes;
        if (context.Request.ContentLength > max)
        {
            return TooLarge(max);
        }
        // The server-wide body limit is sized for transactions; lift it for this request only. One byte over the blob
        // limit, so that the store (not Kestrel) sees the excess first and answers with blob.too_large.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = max + 1;
        }
        try
        {
            var id = await store.PutAsync(context.Request.Body, max, expected, cancellationToken).ConfigureAwait(false);
            return Results.Created($"/v1/blobs/{id.Root}", ToModel(id));
        }
        catch (BlobException e)
        {
            return From(e);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(max);
        }
    }

    private static IResult GetBlob(string root, BlobStore store, HttpContext context)
    {
        if (!Hash32.TryParse(root, out var hash))
        {
            return InvalidRoot(root);
        }
        Stream stream;
        try
        {
            stream = store.OpenRead(hash);
        }
        catch (BlobException e)
        {
            return From(e);
        }
        context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        return Results.File(stream, "application/octet-stream", entityTag: new EntityTagHeaderValue($"\"{hash}\""), enableRangeProcessing: true);
    }

    private static IResult GetInfo(string root, BlobStore store)
    {
        if (!Hash32.TryParse(root, out var hash))
        {
            return InvalidRoot(root);
        }
        return store.GetInfo(hash) is { } id
            ? Results.Ok(ToModel(id))
            : From(new BlobException(BlobException.NotFound, $"no blob {hash} is stored here"));
    }

    private static async Task<IResult> GetChunk(string root, string index, BlobStore store, CancellationToken cancellationToken)
    {
        if (!Hash32.TryParse(root, out var hash))
        {
            return InvalidRoot(root);
        }
        if (!int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out int chunkIndex))
        {
            return ApiProblems.Problem(StatusCodes.Status400BadRequest, ApiProblems.InvalidId, $"'{index}' is not a chunk index (a non-negative integer)");
        }
        try
        {
            var chunk = await store.ReadChunkAsync(hash, chunkIndex, cancellationToken).ConfigureAwait(false);
            return Results.Ok(new BlobChunkModel(hash.ToString(), chunk.Index, chunk.ChunkCount, chunk.Blob.Size,
                Convert.ToBase64String(chunk.Data), ApiMapping.ToModel(chunk.Proof)));
        }
        catch (BlobException e)
        {
            return From(e);
        }
    }

    private static BlobModel ToModel(BlobId id) => new(id.Root.ToString(), id.Size, id.ChunkCount);

    private static IResult InvalidRoot(string root) =>
        ApiProblems.Problem(StatusCodes.Status400BadRequest, ApiProblems.InvalidId, $"'{root}' is not a blob root (64 hexadecimal characters)");

    private static IResult TooLarge(long max) =>
        ApiProblems.Problem(StatusCodes.Status413PayloadTooLarge, BlobException.TooLarge, $"a blob is at most {max} bytes on this node");
}
