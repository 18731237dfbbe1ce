using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pocc.Core.Hashing;
using Pocc.Storage.Blobs;

namespace Pocc.Cli.Common;

/// <summary>
/// Streams blobs to and from a node's <c>/v1/blobs</c> API without holding them in memory. As with
/// <see cref="NodeHttpClient"/>, a problem+json answer becomes a <see cref="CliException"/> carrying the node's stable
/// code (exit code 3 for not found) and an unreachable node exit code 2. Transfers have no overall timeout (they may be
/// large); only connecting does, and the caller's cancellation stops them.
/// </summary>
public sealed class BlobHttpClient : IDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http;

    public BlobHttpClient(string baseUrl)
    {
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
        {
            throw new CliException($"'{baseUrl}' is not an http(s) URL");
        }
        _http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = ConnectTimeout })
        {
            BaseAddress = uri,
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>
    /// Uploads <paramref name="length"/> bytes from <paramref name="content"/>; with <paramref name="expectedRoot"/> the
    /// node refuses (blob.root_mismatch) bytes that arrive different from what was hashed here.
    /// </summary>
    public async Task<BlobId> PutAsync(Stream content, long length, Hash32? expectedRoot, CancellationToken cancellationToken)
    {
        var body = new StreamContent(content, BlobId.ChunkSize);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        body.Headers.ContentLength = length;
        string path = expectedRoot is { } root ? $"/v1/blobs?root={root}" : "/v1/blobs";
        using var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = body };
        // Lets the node refuse (too large, malformed root) from the headers alone, before any of the body is sent;
        // otherwise an early refusal arrives as a reset connection in the middle of the upload.
        request.Headers.ExpectContinue = true;
        using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        await ThrowIfProblemAsync(response, cancellationToken).ConfigureAwait(false);
        var json = await ReadObjectAsync(response, cancellationToken).ConfigureAwait(false);
        try
        {
            var stored = new BlobId(Hash32.Parse(json["root"]!.GetValue<string>()), json["size"]!.GetValue<long>());
            return stored;
        }
        catch (Exception e) when (e is NullReferenceException or FormatException or InvalidOperationException or JsonException)
        {
            throw new CliException($"the node answered the upload with an unexpected body: {json.ToJsonString()}");
        }
    }

    /// <summary>
    /// Downloads blob <paramref name="root"/> into <paramref name="destination"/>, hashing on the way. Throws (code
    /// blob.root_mismatch) unless the bytes are exactly that blob; whatever was written by then must be discarded.
    /// </summary>
    public async Task<BlobId> DownloadAsync(Hash32 root, Stream destination, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/blobs/{root}");
        using var response = await SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        await ThrowIfProblemAsync(response, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var verifying = new VerifyingBlobStream(body, root, response.Content.Headers.ContentLength);
        await using (verifying.ConfigureAwait(false))
        {
            try
            {
                await verifying.CopyToAsync(destination, BlobId.ChunkSize, cancellationToken).ConfigureAwait(false);
            }
            catch (BlobException e)
            {
                throw new CliException($"{e.Code}: the node at {_http.BaseAddress} sent bytes that are not blob {root} ({e.Message})", code: e.Code);
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                throw new CliException($"the download from {_http.BaseAddress} broke off: {e.Message}", 2);
            }
            return verifying.Verified!.Value;
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        try
        {
            return await _http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new CliException($"cannot reach the node at {_http.BaseAddress}: {e.Message}", 2);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException($"the node at {_http.BaseAddress} did not accept a connection within {ConnectTimeout.TotalSeconds} s", 2);
        }
    }

    private static async Task ThrowIfProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        JsonObject? json = null;
        try
        {
            json = JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
        }
        throw CliException.FromProblem(response.StatusCode, response.ReasonPhrase, json);
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (JsonNode.Parse(text) is JsonObject json)
            {
                return json;
            }
        }
        catch (JsonException)
        {
        }
        throw new CliException($"the node answered with something that is not a JSON object: {text}");
    }

    public void Dispose() => _http.Dispose();
}
