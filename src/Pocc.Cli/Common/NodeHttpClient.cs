using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pocc.Cli.Common;

/// <summary>
/// The CLI's calls to a node's HTTP API. A problem+json answer becomes a <see cref="CliException"/> carrying the
/// node's stable error code; an unreachable node becomes a clear message, not a socket stack trace.
/// </summary>
public sealed class NodeHttpClient : IDisposable
{
    private readonly HttpClient _http;

    public NodeHttpClient(string baseUrl)
    {
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
        {
            throw new CliException($"'{baseUrl}' is not an http(s) URL");
        }
        _http = new HttpClient { BaseAddress = uri, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Task<JsonObject> GetAsync(string path, CancellationToken cancellationToken) => SendAsync(HttpMethod.Get, path, null, cancellationToken);

    public Task<JsonObject> PostJsonAsync(string path, object body, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, JsonContent.Create(body), cancellationToken);

    private async Task<JsonObject> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new CliException($"cannot reach the node at {_http.BaseAddress}: {e.Message}", 2);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException($"the node at {_http.BaseAddress} did not answer within {_http.Timeout.TotalSeconds} s", 2);
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            JsonObject? json = null;
            try
            {
                json = JsonNode.Parse(text) as JsonObject;
            }
            catch (JsonException)
            {
            }
            if (!response.IsSuccessStatusCode)
            {
                throw CliException.FromProblem(response.StatusCode, response.ReasonPhrase, json);
            }
            return json ?? throw new CliException($"the node answered {path} with something that is not a JSON object");
        }
    }

    public void Dispose() => _http.Dispose();
}
