using System.Net;
using System.Net.Http.Headers;
using Pocc.Core.Hashing;
using Pocc.Core.Merkle;
using Pocc.Storage.Blobs;

namespace Pocc.Node.Tests.Blobs;

public sealed class BlobApiTests : IAsyncLifetime
{
    private const int Chunk = BlobId.ChunkSize;
    private const long MaxBlob = 4L * Chunk + 100;

    private BlobTestServer? _server;

    private BlobTestServer Server => _server ?? throw new InvalidOperationException("not started");

    private HttpClient Http => Server.Http;

    public async Task InitializeAsync() => _server = await BlobTestServer.StartAsync(MaxBlob);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    public static TheoryData<int> Sizes => [0, 1, Chunk - 1, Chunk, Chunk + 1, 3 * Chunk + 17];

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Put_then_get_returns_the_same_bytes_under_the_content_root(int size)
    {
        var content = Random(size, seed: size);
        var expected = BlobHasher.Compute(content);

        using var put = await PutAsync(content);
        var created = await BlobApiAssert.JsonAsync(put, HttpStatusCode.Created);
        Assert.Equal(expected.Root.ToString(), created.GetProperty("root").GetString());
        Assert.Equal(size, created.GetProperty("size").GetInt64());
        Assert.Equal(expected.ChunkCount, created.GetProperty("chunks").GetInt32());
        Assert.Equal($"/v1/blobs/{expected.Root}", put.Headers.Location?.OriginalString);

        using var get = await Http.GetAsync($"/v1/blobs/{expected.Root}");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("application/octet-stream", get.Content.Headers.ContentType?.MediaType);
        Assert.Equal(size, get.Content.Headers.ContentLength);
        Assert.Equal($"\"{expected.Root}\"", get.Headers.ETag?.Tag);
        Assert.Equal(content, await get.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Put_streams_bodies_without_a_content_length_and_larger_than_the_server_wide_limit()
    {
        var content = Random(3 * Chunk + 5, seed: 2);
        Assert.True(content.Length > BlobTestServer.ServerBodyLimit);

        using var body = new StreamContent(new MemoryStream(content));
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var request = new HttpRequestMessage(HttpMethod.Put, "/v1/blobs") { Content = body };
        request.Headers.TransferEncodingChunked = true;
        using var put = await Http.SendAsync(request);

        var created = await BlobApiAssert.JsonAsync(put, HttpStatusCode.Created);
        Assert.Equal(BlobHasher.Compute(content).Root.ToString(), created.GetProperty("root").GetString());
    }

    [Fact]
    public async Task Put_with_the_right_expected_root_is_accepted_and_is_idempotent()
    {
        var content = Random(Chunk + 9, seed: 3);
        var root = BlobHasher.Compute(content).Root;

        using var first = await PutAsync(content, $"?root={root}");
        using var second = await PutAsync(content, $"?root={root}");

        await BlobApiAssert.JsonAsync(first, HttpStatusCode.Created);
        await BlobApiAssert.JsonAsync(second, HttpStatusCode.Created);
        Assert.True(Server.Store.Exists(root));
    }

    [Fact]
    public async Task Put_with_a_wrong_expected_root_is_refused_and_stores_nothing()
    {
        var content = Random(2 * Chunk, seed: 4);
        var wrong = Blake3Hash.Of("not this"u8);

        using var put = await PutAsync(content, $"?root={wrong}");

        await BlobApiAssert.ProblemAsync(put, HttpStatusCode.UnprocessableEntity, BlobException.RootMismatch);
        Assert.False(Server.Store.Exists(BlobHasher.Compute(content).Root));
        Assert.Empty(StoredFiles());
    }

    [Fact]
    public async Task Put_with_a_malformed_expected_root_is_a_bad_request()
    {
        using var put = await PutAsync([1, 2, 3], "?root=xyz");

        await BlobApiAssert.ProblemAsync(put, HttpStatusCode.BadRequest, "request.invalid_id");
        Assert.Empty(StoredFiles());
    }

    [Fact]
    public async Task Put_over_the_blob_limit_is_refused_by_its_declared_length()
    {
        using var put = await PutAsync(new byte[MaxBlob + 1]);

        await BlobApiAssert.ProblemAsync(put, HttpStatusCode.RequestEntityTooLarge, BlobException.TooLarge);
        Assert.Empty(StoredFiles());
    }

    [Fact]
    public async Task Put_over_the_blob_limit_is_refused_while_streaming_when_no_length_is_declared()
    {
        using var body = new StreamContent(new MemoryStream(new byte[MaxBlob + 1]));
        using var request = new HttpRequestMessage(HttpMethod.Put, "/v1/blobs") { Content = body };
        request.Headers.TransferEncodingChunked = true;
        using var put = await Http.SendAsync(request);

        await BlobApiAssert.ProblemAsync(put, HttpStatusCode.RequestEntityTooLarge, BlobException.TooLarge);
        Assert.Empty(StoredFiles());
    }

    [Fact]
    public async Task Put_of_exactly_the_blob_limit_is_accepted()
    {
        using var put = await PutAsync(Random((int)MaxBlob, seed: 5));

        await BlobApiAssert.JsonAsync(put, HttpStatusCode.Created);
    }

    [Fact]
    public async Task Info_reports_size_and_chunk_count()
    {
        var content = Random(2 * Chunk + 1, seed: 6);
        var root = await StoreAsync(content);

        using var response = await Http.GetAsync($"/v1/blobs/{root}/info");

        var info = await BlobApiAssert.JsonAsync(response, HttpStatusCode.OK);
        Assert.Equal(root.ToString(), info.GetProperty("root").GetString());
        Assert.Equal(content.Length, info.GetProperty("size").GetInt64());
        Assert.Equal(3, info.GetProperty("chunks").GetInt32());
    }

    [Fact]
    public async Task Every_chunk_is_served_with_a_proof_that_verifies_against_the_root()
    {
        var content = Random(4 * Chunk + 3, seed: 7);
        var root = await StoreAsync(content);
        var blob = new BlobId(root, content.Length);

        for (int i = 0; i < blob.ChunkCount; i++)
        {
            using var response = await Http.GetAsync($"/v1/blobs/{root}/chunks/{i}");
            var chunk = await BlobApiAssert.JsonAsync(response, HttpStatusCode.OK);

            Assert.Equal(root.ToString(), chunk.GetProperty("root").GetString());
            Assert.Equal(i, chunk.GetProperty("index").GetInt32());
            Assert.Equal(blob.ChunkCount, chunk.GetProperty("chunk_count").GetInt32());
            Assert.Equal(content.Length, chunk.GetProperty("size").GetInt64());
            var data = Convert.FromBase64String(chunk.GetProperty("data").GetString()!);
            Assert.Equal(content.AsSpan(i * Chunk, blob.ChunkLength(i)).ToArray(), data);
            var proofJson = chunk.GetProperty("proof");
            var proof = new MerkleProof(
                proofJson.GetProperty("leaf_index").GetInt32(),
                proofJson.GetProperty("leaf_count").GetInt32(),
                [.. proofJson.GetProperty("siblings").EnumerateArray().Select(s => Hash32.Parse(s.GetString()!))]);
            Assert.True(BlobStore.VerifyChunk(blob, i, data, proof));
            data[0] ^= 1;
            Assert.False(BlobStore.VerifyChunk(blob, i, data, proof));
        }
    }

    [Fact]
    public async Task Get_supports_ranges_and_conditional_requests()
    {
        var content = Random(Chunk + 10, seed: 8);
        var root = await StoreAsync(content);

        using var range = new HttpRequestMessage(HttpMethod.Get, $"/v1/blobs/{root}");
        range.Headers.Range = new RangeHeaderValue(100, 199);
        using var partial = await Http.SendAsync(range);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(content.AsSpan(100, 100).ToArray(), await partial.Content.ReadAsByteArrayAsync());

        using var conditional = new HttpRequestMessage(HttpMethod.Get, $"/v1/blobs/{root}");
        conditional.Headers.IfNoneMatch.Add(new EntityTagHeaderValue($"\"{root}\""));
        using var notModified = await Http.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    [Theory]
    [InlineData("/v1/blobs/{0}")]
    [InlineData("/v1/blobs/{0}/info")]
    [InlineData("/v1/blobs/{0}/chunks/0")]
    public async Task A_missing_blob_is_not_found(string template)
    {
        var absent = Blake3Hash.Of("absent"u8);

        using var response = await Http.GetAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, absent));

        await BlobApiAssert.ProblemAsync(response, HttpStatusCode.NotFound, BlobException.NotFound);
    }

    [Theory]
    [InlineData("/v1/blobs/nothex")]
    [InlineData("/v1/blobs/abcd/info")]
    [InlineData("/v1/blobs/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeX/chunks/0")]
    public async Task A_malformed_root_is_a_bad_request(string path)
    {
        using var response = await Http.GetAsync(path);

        await BlobApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "request.invalid_id");
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("one")]
    [InlineData("99999999999")]
    public async Task A_malformed_chunk_index_is_a_bad_request(string index)
    {
        var root = await StoreAsync([1, 2, 3]);

        using var response = await Http.GetAsync($"/v1/blobs/{root}/chunks/{index}");

        await BlobApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "request.invalid_id");
    }

    [Fact]
    public async Task A_chunk_past_the_end_is_not_found()
    {
        var root = await StoreAsync(Random(Chunk + 1, seed: 9));

        using var response = await Http.GetAsync($"/v1/blobs/{root}/chunks/2");

        await BlobApiAssert.ProblemAsync(response, HttpStatusCode.NotFound, BlobException.ChunkNotFound);
    }

    [Fact]
    public async Task A_damaged_stored_chunk_is_reported_not_served()
    {
        var content = Random(2 * Chunk, seed: 10);
        var root = await StoreAsync(content);
        string hex = root.ToString();
        content[Chunk + 1] ^= 0xFF;
        await File.WriteAllBytesAsync(Path.Combine(Server.Directory, hex[..2], hex[2..4], hex), content);

        using var response = await Http.GetAsync($"/v1/blobs/{root}/chunks/1");

        await BlobApiAssert.ProblemAsync(response, HttpStatusCode.InternalServerError, BlobException.Corrupt);
    }

    private async Task<HttpResponseMessage> PutAsync(byte[] content, string query = "")
    {
        using var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return await Http.PutAsync("/v1/blobs" + query, body);
    }

    private async Task<Hash32> StoreAsync(byte[] content)
    {
        using var put = await PutAsync(content);
        var created = await BlobApiAssert.JsonAsync(put, HttpStatusCode.Created);
        return Hash32.Parse(created.GetProperty("root").GetString()!);
    }

    private List<string> StoredFiles() =>
        [.. Directory.EnumerateFiles(Server.Directory, "*", SearchOption.AllDirectories)];

    private static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
