using System.Net;
using System.Reflection;
using System.Text.Json;
using Pocc.Core.Encoding;
using Pocc.Ledger;
using Pocc.Node.Api;
using Pocc.Node.Tests.Builders;
using Pocc.Storage.Blobs;

namespace Pocc.Node.Tests.Docs;

/// <summary>
/// docs/api.md is generated from the OpenAPI description a running node serves. The committed file must match what the
/// generator makes of the current description; with POCC_UPDATE_DOCS=1 the test rewrites it instead.
/// </summary>
public sealed class ApiReferenceTests : IClassFixture<NodeFixture>
{
    private readonly NodeFixture _fixture;

    public ApiReferenceTests(NodeFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task Committed_api_reference_matches_the_nodes_openapi_description()
    {
        var description = await DescriptionAsync();

        GeneratedDoc.AssertCommitted(ApiReference.RelativePath, ApiReference.Render(description), ApiReference.Regenerate);
    }

    [Fact]
    public async Task Rendering_is_deterministic_and_covers_every_operation_and_model()
    {
        var description = await DescriptionAsync();

        var first = ApiReference.Render(description);
        var second = ApiReference.Render(await DescriptionAsync());

        Assert.Equal(first, second);
        var operations = ApiReference.Operations(description);
        Assert.Contains("GET /v1/status", operations);
        Assert.Contains("GET /v1/events/blocks", operations);
        foreach (var operation in operations)
        {
            Assert.Contains($"### `{operation}`", first, StringComparison.Ordinal);
        }
        foreach (var model in description.GetProperty("components").GetProperty("schemas").EnumerateObject())
        {
            Assert.Contains($"### {model.Name}\n", first, StringComparison.Ordinal);
        }
        // The listen address differs from run to run; nothing of it may reach the file.
        Assert.DoesNotContain(_fixture.Node.Http.BaseAddress!.Authority, first, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Description_states_the_bodies_of_the_raw_batch_blob_and_streaming_endpoints()
    {
        var paths = (await DescriptionAsync()).GetProperty("paths");

        var single = paths.GetProperty("/v1/transactions").GetProperty("post").GetProperty("requestBody").GetProperty("content");
        Assert.Equal("#/components/schemas/SubmitTransactionRequest", single.GetProperty("application/json").GetProperty("schema").Str("$ref"));
        var raw = single.GetProperty("application/octet-stream").GetProperty("schema");
        Assert.Equal(("string", "binary"), (raw.Str("type"), raw.Str("format")));
        var batch = paths.GetProperty("/v1/transactions/batch").GetProperty("post").GetProperty("requestBody").GetProperty("content");
        Assert.Equal("#/components/schemas/SubmitBatchRequest", batch.GetProperty("application/json").GetProperty("schema").Str("$ref"));
        var events = paths.GetProperty("/v1/events/blocks").GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("content");
        Assert.True(events.TryGetProperty("text/event-stream", out _), events.ToString());
        var blob = paths.GetProperty("/v1/blobs/{root}").GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("content");
        Assert.True(blob.TryGetProperty("application/octet-stream", out _), blob.ToString());
    }

    [Fact]
    public void Every_error_code_in_the_reference_is_one_the_node_answers_with_at_the_stated_status()
    {
        // Refusals of a submitted transaction: their status comes from ApiProblems.StatusFor.
        var refusals = Constants(typeof(LedgerErrors), typeof(CodecException));
        var blobs = Constants(typeof(BlobException));
        var defined = Constants(typeof(ApiProblems));
        defined.UnionWith(refusals);
        defined.UnionWith(blobs);
        defined.Add("http.method_not_allowed"); // set by the host's problem-details defaults

        foreach (var row in ApiReference.Errors)
        {
            foreach (var code in row.Codes)
            {
                Assert.True(defined.Contains(code), $"{code} is not a code the node defines");
                if (blobs.Contains(code))
                {
                    Assert.True(row.Status == BlobApi.StatusFor(code), $"{code} is answered with {BlobApi.StatusFor(code)}, not {row.Status}");
                }
                else if (refusals.Contains(code) && row.Status != (int)HttpStatusCode.NotFound)
                {
                    Assert.True(row.Status == ApiProblems.StatusFor(code), $"{code} is answered with {ApiProblems.StatusFor(code)}, not {row.Status}");
                }
            }
        }
        var listed = ApiReference.Errors.SelectMany(r => r.Codes).ToList();
        Assert.Equal(listed.Count, listed.Distinct().Count());
    }

    private async Task<JsonElement> DescriptionAsync()
    {
        using var response = await _fixture.Node.Http.GetAsync("/openapi/v1.json");
        await ApiAssert.StatusAsync(response, HttpStatusCode.OK);
        return await response.ReadJsonAsync();
    }

    private static HashSet<string> Constants(params Type[] types) =>
        [.. types.SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)];
}
