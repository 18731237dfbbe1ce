using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Pocc.Client.Models;
using Pocc.Client.Tests.Builders;
using Pocc.Core.Hashing;
using Pocc.Node.Tests.Builders;
using Pocc.Storage.Blobs;

namespace Pocc.Client.Tests;

/// <summary>The client's blob calls: streamed upload and download checked against the root, info, chunks with proofs.</summary>
public sealed class BlobApiTests(NodeFixture fixture) : IClassFixture<NodeFixture>, IDisposable
{
    private readonly PoccClient _client = new(fixture.Node.Http.BaseAddress!);
    private readonly CancellationTokenSource _timeout = new(TestNode.Timeout);

    private CancellationToken Timeout => _timeout.Token;

    public void Dispose()
    {
        _client.Dispose();
        _timeout.Dispose();
    }

    [Fact]
    public async Task A_streamed_upload_comes_back_as_info_bytes_and_proven_chunks()
    {
        var content = Random(2 * BlobId.ChunkSize + 1_000, seed: 1);
        var local = BlobHasher.Compute(content);

        BlobModel stored;
        using (var upload = new MemoryStream(content))
        {
            stored = await _client.PutBlobAsync(upload, content.Length, local.Root, Timeout);
        }
        var info = await _client.GetBlobInfoAsync(local.Root, Timeout);
        using var download = new MemoryStream();
        var fetched = await _client.GetBlobAsync(local.Root, download, Timeout);
        var last = await _client.GetBlobChunkAsync(local.Root, 2, Timeout);

        Assert.Equal(new BlobModel(local.Root.ToString(), content.Length, 3), stored);
        Assert.Equal(stored, info);
        Assert.Equal(stored, fetched);
        Assert.Equal(content, download.ToArray());
        Assert.Equal(content[(2 * BlobId.ChunkSize)..], Convert.FromBase64String(last.Data));
        Assert.Equal(3, last.ChunkCount);
    }

    [Fact]
    public async Task Uploading_bytes_hashes_them_here_and_checks_what_the_node_stored()
    {
        var content = Random(10_000, seed: 2);

        var stored = await _client.PutBlobAsync(content, Timeout);

        Assert.Equal(BlobHasher.Compute(content).Root.ToString(), stored.Root);
        Assert.Equal(content.Length, stored.Size);
    }

    [Fact]
    public async Task An_upload_that_does_not_hash_to_the_asserted_root_is_refused()
    {
        var content = Random(5_000, seed: 3);
        using var upload = new MemoryStream(content);

        var error = await Assert.ThrowsAsync<PoccApiException>(() => _client.PutBlobAsync(upload, content.Length, Blake3Hash.Of("other"u8), Timeout));

        Assert.Equal(BlobException.RootMismatch, error.Code);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.StatusCode);
    }

    [Fact]
    public async Task A_blob_the_node_lacks_is_not_found_and_nothing_is_written()
    {
        var root = Blake3Hash.Of("absent blob"u8);
        using var destination = new MemoryStream();

        var download = await Assert.ThrowsAsync<PoccApiException>(() => _client.GetBlobAsync(root, destination, Timeout));
        var info = await Assert.ThrowsAsync<PoccApiException>(() => _client.GetBlobInfoAsync(root, Timeout));
        var chunk = await Assert.ThrowsAsync<PoccApiException>(() => _client.GetBlobChunkAsync(root, 0, Timeout));

        Assert.Equal(BlobException.NotFound, download.Code);
        Assert.True(download.IsNotFound);
        Assert.Equal(0, destination.Length);
        Assert.Equal(BlobException.NotFound, info.Code);
        Assert.Equal(HttpStatusCode.NotFound, chunk.StatusCode);
    }

    [Fact]
    public async Task Bytes_that_are_not_the_blob_asked_for_are_refused_with_root_mismatch()
    {
        var genuine = Random(5_000, seed: 4);
        var root = BlobHasher.Compute(genuine).Root;
        var forged = (byte[])genuine.Clone();
        forged[^1] ^= 1;
        await using var liar = await FakeNode.StartAsync(app => app.MapGet("/v1/blobs/{root}", () => Results.Bytes(forged, "application/octet-stream")));
        using var client = new PoccClient(liar.Url);

        var error = await Assert.ThrowsAsync<PoccClientException>(() => client.GetBlobAsync(root, Stream.Null, Timeout));

        Assert.Equal(BlobException.RootMismatch, error.Code);
        Assert.StartsWith(BlobException.RootMismatch, error.Message, StringComparison.Ordinal);
        Assert.False(error.IsTransient);
    }

    [Fact]
    public async Task A_chunk_whose_proof_does_not_hold_is_refused()
    {
        var content = Random(BlobId.ChunkSize + 10, seed: 5);
        var stored = await _client.PutBlobAsync(content, Timeout);
        var genuine = await _client.GetBlobChunkAsync(Hash32.Parse(stored.Root), 1, Timeout);
        var tampered = genuine with { Data = Convert.ToBase64String(new byte[10]) };
        await using var liar = await FakeNode.StartAsync(app => app.MapGet("/v1/blobs/{root}/chunks/{index}", () => Results.Json(tampered, PoccJson.Options)));
        using var client = new PoccClient(liar.Url);

        var error = await Assert.ThrowsAsync<PoccClientException>(() => client.GetBlobChunkAsync(Hash32.Parse(stored.Root), 1, Timeout));

        Assert.Equal(BlobException.RootMismatch, error.Code);
    }

    private static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
