using System.Globalization;
using Pocc.Core.Addressing;
using Pocc.Core.Crypto;
using Pocc.Core.Crypto.Vrf;
using Pocc.Ledger.Blocks;
using Pocc.Ledger.Primitives;
using Pocc.Node.Tests.Builders;

namespace Pocc.Node.Tests.Api;

/// <summary>GET /v1/blocks/{height|hash|latest}, /v1/status and the OpenAPI document.</summary>
public sealed class BlockQueryTests : IClassFixture<NodeFixture>
{
    private readonly NodeFixture _fixture;

    public BlockQueryTests(NodeFixture fixture) => _fixture = fixture;

    private TestNode Node => _fixture.Node;

    [Fact]
    public async Task Returns_the_same_block_by_height_and_by_hash()
    {
        await Node.WaitForHeightAsync(2);

        var byHeight = await Node.GetJsonAsync("/v1/blocks/2");
        var byHash = await Node.GetJsonAsync($"/v1/blocks/{byHeight.Str("hash")}");
        var byPrefixedHash = await Node.GetJsonAsync($"/v1/blocks/0x{byHeight.Str("hash")}");
        var parent = await Node.GetJsonAsync("/v1/blocks/1");

        Assert.Equal(byHeight.GetRawText(), byHash.GetRawText());
        Assert.Equal(byHeight.GetRawText(), byPrefixedHash.GetRawText());
        Assert.Equal(2UL, byHeight.GetProperty("header").U64("height"));
        Assert.Equal(parent.Str("hash"), byHeight.GetProperty("header").Str("previous_hash"));
        Assert.True(byHeight.IsNull("transactions"), "transaction bodies are only included with ?full=true");
    }

    [Fact]
    public async Task Serves_blocks_whose_hash_is_the_header_hash_and_whose_commit_the_validator_signed()
    {
        await Node.WaitForHeightAsync(1);

        var block = await Node.GetJsonAsync("/v1/blocks/latest");

        var headerJson = block.GetProperty("header");
        var header = new BlockHeader(
            new ChainId(headerJson.Str("chain_id")),
            new Height(headerJson.U64("height")),
            headerJson.U64("timestamp_ms"),
            headerJson.Hash("previous_hash"),
            headerJson.Hash("last_commit_hash"),
            headerJson.Hash("transactions_root"),
            (uint)headerJson.U64("transaction_count"),
            headerJson.Hash("state_root"),
            Address.Parse(headerJson.Str("proposer")),
            VrfProof.Parse(headerJson.Str("beacon_proof")));
        Assert.Equal(header.Hash, block.Hash("hash"));
        Assert.Equal(TestNode.ChainId, header.ChainId.Value);
        Assert.Equal(TestKeys.Validator.Address, header.Proposer);
        Assert.Equal((int)header.TransactionCount, block.GetProperty("transaction_hashes").GetArrayLength());

        var commit = block.GetProperty("commit");
        Assert.Equal(header.Hash, commit.Hash("block_hash"));
        Assert.Equal(header.Height.Value, commit.U64("height"));
        var signature = Assert.Single(commit.GetProperty("signatures").EnumerateArray());
        Assert.Equal(TestKeys.Validator.Address.ToString(), signature.Str("validator"));
        var message = Commit.SigningBytes(header.ChainId, header.Height, (uint)commit.U64("round"), header.Hash);
        Assert.True(Ed25519.Verify(TestKeys.Validator.PublicKey, message, new Signature(Convert.FromHexString(signature.Str("signature")))),
            "the commit signature does not verify under the validator's key");
    }

    [Fact]
    public async Task Latest_is_at_least_as_high_as_the_chain_was_before_the_request()
    {
        await Node.WaitForHeightAsync(1);
        ulong before = Node.Chain.Height.Value;

        var latest = await Node.GetJsonAsync("/v1/blocks/latest");

        ulong height = latest.GetProperty("header").U64("height");
        Assert.True(height >= before, $"latest is {height}, the chain was already at {before}");
        Assert.Equal(latest.Str("hash"), (await Node.GetJsonAsync($"/v1/blocks/{height}")).Str("hash"));
    }

    [Fact]
    public async Task Includes_transaction_bodies_only_with_full_true()
    {
        var tx = Tx.Transfer(_fixture.TakeFundedAccount(), TestKeys.Stranger("full-block-recipient").Address, 77).Signed();
        var lookup = await Node.SubmitAndFinalizeAsync(tx);
        ulong height = lookup.U64("height");

        var full = await Node.GetJsonAsync($"/v1/blocks/{height}?full=true");
        var notFull = await Node.GetJsonAsync($"/v1/blocks/{height}?full=false");

        var bodies = full.GetProperty("transactions").EnumerateArray().ToList();
        Assert.Equal(full.GetProperty("transaction_hashes").EnumerateArray().Select(h => h.GetString()), bodies.Select(b => b.Str("hash")));
        var body = bodies[lookup.I32("index")];
        Assert.Equal(tx.Hex(), body.Str("encoded"));
        Assert.Equal("77", body.Str("amount"));
        Assert.True(notFull.IsNull("transactions"));
        Assert.Equal(full.Str("hash"), notFull.Str("hash"));
    }

    [Fact]
    public async Task Status_describes_the_chain_head_the_producer_and_the_supply()
    {
        await Node.WaitForHeightAsync(1);

        var status = await Node.GetJsonAsync("/v1/status");

        Assert.Equal(TestNode.ChainId, status.Str("chain_id"));
        Assert.Equal(Node.Home.LoadGenesis().Hash, status.Hash("genesis_hash"));
        ulong height = status.U64("height");
        Assert.True(height >= 1);
        Assert.False(status.IsNull("latest_block_time_ms"));
        Assert.Equal("solo", status.Str("engine"));
        Assert.Equal(TestKeys.Validator.Address.ToString(), status.Str("validator"));
        Assert.True(status.GetProperty("producing").GetBoolean());
        Assert.Equal(1, status.I32("validators"));
        Assert.Equal(50.0, status.GetProperty("block_interval_ms").GetDouble());
        Assert.True(status.I32("mempool_size") >= 0);
        Assert.True(status.GetProperty("mempool_bytes").GetInt64() >= 0);
        Assert.Equal(0, status.I32("peers"));
        Assert.True(status.GetProperty("blocks_finalized").GetInt64() >= 1);
        Assert.True(status.GetProperty("transactions_finalized").GetInt64() >= 0);
        Assert.True(status.GetProperty("tx_per_second").GetDouble() >= 0);
        Assert.True(status.GetProperty("supply_conserved").GetBoolean());
        Assert.False(string.IsNullOrEmpty(status.Str("version")));
        var supply = status.GetProperty("supply");
        ulong Amount(string name) => ulong.Parse(supply.Str(name), CultureInfo.InvariantCulture);
        Assert.Equal(TestKeys.FundedCount * TestNode.FundedBalance + 1_000_000_000, Amount("genesis"));
        Assert.Equal(Amount("genesis") + Amount("minted") - Amount("burned"), Amount("total"));
        Assert.True(Amount("minted") >= 1_000_000, "every block mints the reward");

        // The head fields are read one at a time while blocks commit, so a block may land between them (see
        // Status_head_fields_describe_one_block); here they only need to name blocks at that height or the next.
        var head = await Node.GetJsonAsync($"/v1/blocks/{status.Str("head_hash")}");
        Assert.InRange(head.GetProperty("header").U64("height"), height, height + 1);
        await Node.WaitForHeightAsync(height + 1);
        var roots = new[] { height, height + 1 }.Select(async h => (await Node.GetJsonAsync($"/v1/blocks/{h}")).GetProperty("header").Str("state_root"));
        Assert.Contains(status.Str("state_root"), await Task.WhenAll(roots));
    }

    [Fact]
    public async Task Status_head_fields_describe_one_block()
    {
        // Blocks every millisecond make the window between the reads wide enough to hit within a few hundred requests.
        await using var node = await TestNode.StartAsync(new Dictionary<string, string?> { ["Node:BlockIntervalMs"] = "1" });
        await node.WaitForHeightAsync(1);

        for (int i = 0; i < 600; i++)
        {
            var status = await node.GetJsonAsync("/v1/status");
            var block = await node.GetJsonAsync($"/v1/blocks/{status.U64("height")}");
            Assert.Equal(block.Str("hash"), status.Str("head_hash"));
            Assert.Equal(block.GetProperty("header").Str("state_root"), status.Str("state_root"));
        }
    }

    [Fact]
    public async Task Serves_an_openapi_document_listing_the_v1_paths()
    {
        var document = await Node.GetJsonAsync("/openapi/v1.json");

        Assert.StartsWith("3.", document.Str("openapi"), StringComparison.Ordinal);
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();
        string[] expected =
        [
            "/v1/status", "/v1/transactions", "/v1/transactions/batch", "/v1/transactions/{hash}",
            "/v1/accounts/{address}", "/v1/blocks/{id}", "/v1/events/blocks",
        ];
        Assert.All(expected, path => Assert.Contains(path, paths));
        var submit = document.GetProperty("paths").GetProperty("/v1/transactions").GetProperty("post");
        Assert.Equal("SubmitTransaction", submit.Str("operationId"));
        Assert.True(submit.GetProperty("responses").TryGetProperty("202", out _));
    }
}
