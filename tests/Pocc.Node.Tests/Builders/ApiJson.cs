using System.Net;
using System.Text.Json;
using Pocc.Core.Hashing;
using Pocc.Core.Merkle;

namespace Pocc.Node.Tests.Builders;

/// <summary>
/// Reads the API's JSON by its wire names (snake_case), so a renamed field fails here rather than round-tripping
/// through the server's own model types; and rebuilds proofs from it the way an independent client would.
/// </summary>
internal static class ApiJson
{
    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        string text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    public static string Str(this JsonElement element, string name) =>
        element.GetProperty(name).GetString() ?? throw new Xunit.Sdk.XunitException($"'{name}' is null in {element}");

    public static ulong U64(this JsonElement element, string name) => element.GetProperty(name).GetUInt64();

    public static int I32(this JsonElement element, string name) => element.GetProperty(name).GetInt32();

    public static Hash32 Hash(this JsonElement element, string name) => Hash32.Parse(element.Str(name));

    public static bool IsNull(this JsonElement element, string name) => element.GetProperty(name).ValueKind == JsonValueKind.Null;

    /// <summary>A transaction-inclusion proof: {leaf_index, leaf_count, siblings (leaf level first)}.</summary>
    public static MerkleProof ToMerkleProof(this JsonElement proof) => new(
        proof.I32("leaf_index"),
        proof.I32("leaf_count"),
        [.. proof.GetProperty("siblings").EnumerateArray().Select(s => Hash32.Parse(s.GetString()!))]);

    /// <summary>A state proof: {key, siblings (root down), leaf_key, leaf_value_hash} (the leaf is absent when the path ends empty).</summary>
    public static SparseMerkleProof ToSparseProof(this JsonElement proof)
    {
        var siblings = proof.GetProperty("siblings").EnumerateArray().Select(s => Hash32.Parse(s.GetString()!)).ToList();
        KeyValuePair<Hash32, Hash32>? leaf = proof.IsNull("leaf_key")
            ? null
            : new KeyValuePair<Hash32, Hash32>(proof.Hash("leaf_key"), proof.Hash("leaf_value_hash"));
        return new SparseMerkleProof(siblings, leaf);
    }
}

/// <summary>Assertions on the API's problem+json answers.</summary>
internal static class ApiAssert
{
    /// <summary>The response is an RFC 7807 problem with <paramref name="status"/> and the stable <paramref name="code"/>.</summary>
    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status} {code}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(body);
        var problem = document.RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Equal(code, problem.Str("code"));
        Assert.False(string.IsNullOrWhiteSpace(problem.Str("title")));
        return problem;
    }

    public static async Task StatusAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        if (response.StatusCode != status)
        {
            Assert.Fail($"expected {(int)status}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }
}
