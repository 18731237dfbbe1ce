using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Pocc.Client.Tests.Builders;

namespace Pocc.Client.Tests;

/// <summary>What the client throws when the node is absent, silent, or answers in ways a node should not; and cancellation.</summary>
public sealed class FailureTests
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData("ftp://127.0.0.1:1")]
    [InlineData("not a url")]
    [InlineData("/v1/status")]
    [InlineData("http://127.0.0.1:1/?q=1")]
    public void A_base_url_that_is_not_an_http_url_is_an_argument_exception(string url)
    {
        Assert.ThrowsAny<ArgumentException>(() => new PoccClient(url));
    }

    [Fact]
    public async Task A_node_that_is_not_there_is_unavailable()
    {
        using var client = new PoccClient(ClosedPort.Url());

        var error = await Assert.ThrowsAsync<PoccUnavailableException>(() => client.GetStatusAsync());

        Assert.True(error.IsTransient);
        Assert.Null(error.Code);
        Assert.StartsWith($"cannot reach the node at {client.BaseAddress}", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<PoccUnavailableException>(async () =>
        {
            await foreach (var block in client.StreamBlocksAsync())
            {
                Assert.Fail($"a block from nowhere: {block}");
            }
        });
    }

    [Fact]
    public async Task A_node_that_does_not_answer_in_time_is_unavailable()
    {
        await using var silent = await FakeNode.StartAsync(app => app.MapGet("/v1/status", async (CancellationToken aborted) =>
        {
            await Task.Delay(Timeout.Infinite, aborted);
            return Results.Ok();
        }));
        using var client = new PoccClient(silent.Url) { RequestTimeout = TimeSpan.FromMilliseconds(300) };

        var error = await Assert.ThrowsAsync<PoccUnavailableException>(() => client.GetStatusAsync());

        Assert.Contains("did not answer within 0.3 s", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancellation_is_honoured_and_is_not_reported_as_an_unavailable_node()
    {
        await using var silent = await FakeNode.StartAsync(app => app.MapGet("/v1/tasks/{id}", async (CancellationToken aborted) =>
        {
            await Task.Delay(Timeout.Infinite, aborted);
            return Results.Ok();
        }));
        using var client = new PoccClient(silent.Url);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetTaskAsync(1, cancel.Token)).WaitAsync(Soon);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetStatusAsync(new CancellationToken(canceled: true)));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.WaitForTaskAsync(1, cancellationToken: cancel.Token)).WaitAsync(Soon);
    }

    [Fact]
    public async Task An_error_answer_that_is_not_problem_json_still_gives_a_clear_message()
    {
        await using var proxy = await FakeNode.StartAsync(app => app.MapGet("/v1/status", () => Results.Text("<html>upstream down</html>", "text/html", statusCode: 502)));
        using var client = new PoccClient(proxy.Url);

        var error = await Assert.ThrowsAsync<PoccApiException>(() => client.GetStatusAsync());

        Assert.Equal("http.502", error.Code);
        Assert.Equal(HttpStatusCode.BadGateway, error.StatusCode);
        Assert.Equal("http.502: Bad Gateway (the answer is not a problem+json body: <html>upstream down</html>)", error.Message);
        Assert.True(error.IsTransient);
    }

    [Theory]
    [InlineData(404, """{"title":"Not Found","status":404}""", "http.404", "http.404: Not Found")]
    [InlineData(422, """{"code":"tx.nonce_gap","title":"Transaction rejected","detail":"nonce 9 is ahead"}""", "tx.nonce_gap", "tx.nonce_gap: nonce 9 is ahead")]
    [InlineData(503, "", "http.503", "http.503: Service Unavailable")]
    public void Error_answers_become_api_exceptions_with_a_code(int status, string body, string code, string message)
    {
        var error = PoccClient.ToException((HttpStatusCode)status, ((HttpStatusCode)status) switch
        {
            HttpStatusCode.NotFound => "Not Found",
            HttpStatusCode.UnprocessableEntity => "Unprocessable Entity",
            _ => "Service Unavailable",
        }, body);

        Assert.Equal(code, error.Code);
        Assert.Equal(message, error.Message);
        Assert.Equal(status >= 500, error.IsTransient);
    }

    [Fact]
    public async Task A_success_answer_that_is_not_the_model_is_a_client_exception()
    {
        await using var odd = await FakeNode.StartAsync(app => app.MapGet("/v1/tasks/{id}", () => Results.Text("""{"id": 1}""", "application/json")));
        using var client = new PoccClient(odd.Url);

        var error = await Assert.ThrowsAsync<PoccClientException>(() => client.GetTaskAsync(1));

        Assert.IsNotType<PoccApiException>(error);
        Assert.Contains("not the expected JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_base_url_with_a_path_keeps_the_path()
    {
        await using var behindProxy = await FakeNode.StartAsync(app => app.MapGet("/node-a/v1/blobs/{root}/info", (string root) => Results.Json(new { root, size = 1, chunks = 1 })));
        using var client = new PoccClient($"{behindProxy.Url}/node-a");
        var root = Core.Hashing.Blake3Hash.Of("x"u8);

        var info = await client.GetBlobInfoAsync(root);

        Assert.Equal(root.ToString(), info.Root);
        Assert.Equal(new Uri($"{behindProxy.Url}/node-a/"), client.BaseAddress);
    }

    [Fact]
    public async Task A_client_over_a_caller_http_client_uses_it_and_leaves_it_open()
    {
        await using var node = await FakeNode.StartAsync(app => app.MapGet("/v1/blobs/{root}/info", (string root) => Results.Json(new { root, size = 2, chunks = 1 })));
        using var http = new HttpClient { BaseAddress = new Uri(node.Url) };
        var root = Core.Hashing.Blake3Hash.Of("y"u8);

        using (var client = new PoccClient(http))
        {
            Assert.Equal(2, (await client.GetBlobInfoAsync(root)).Size);
        }

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri($"/v1/blobs/{root}/info", UriKind.Relative))).StatusCode);
    }
}
