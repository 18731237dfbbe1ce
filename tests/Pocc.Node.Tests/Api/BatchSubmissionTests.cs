using System.Net;
using System.Text.Json;
using Pocc.Node.Tests.Builders;

namespace Pocc.Node.Tests.Api;

/// <summary>POST /v1/transactions/batch: one result per item, in order; the good ones are admitted and finalized.</summary>
public sealed class BatchSubmissionTests : IClassFixture<NodeFixture>
{
    private readonly NodeFixture _fixture;

    public BatchSubmissionTests(NodeFixture fixture) => _fixture = fixture;

    private TestNode Node => _fixture.Node;

    [Fact]
    public async Task Reports_a_result_per_item_and_finalizes_the_accepted_ones()
    {
        var first = _fixture.TakeFundedAccount();
        var second = _fixture.TakeFundedAccount();
        var waiting = _fixture.TakeFundedAccount();
        var poor = _fixture.TakeFundedAccount();
        var recipient = TestKeys.Stranger("batch-recipient").Address;
        var good1 = Tx.Transfer(first, recipient, 100).Signed();
        var good2 = Tx.Transfer(second, recipient, 200).Signed();
        // Nonce 1 with nothing at nonce 0 stays pending, so its repeat later in the batch meets it in the mempool.
        var gapped = Tx.Transfer(waiting, recipient, 300).WithNonce(1).Signed();
        var forged = Tx.Transfer(second, recipient, 1).WithNonce(1).SignedBy(first);
        var foreign = Tx.Transfer(second, recipient, 1).WithNonce(1).OnChain("pocc-other").Signed();
        var tooMuch = Tx.Transfer(poor, recipient, TestNode.FundedBalance).Signed();
        var items = new (string Hex, string? Hash, string? Code)[]
        {
            (good1.Hex(), good1.Hash.ToString(), null),
            ("zz", null, "request.malformed"),
            (good2.Hex()[..^2], null, "codec.truncated"),
            (forged.Hex(), forged.Hash.ToString(), "tx.bad_signature"),
            (foreign.Hex(), foreign.Hash.ToString(), "tx.wrong_chain_id"),
            (gapped.Hex(), gapped.Hash.ToString(), null),
            (good2.Hex(), good2.Hash.ToString(), null),
            (tooMuch.Hex(), tooMuch.Hash.ToString(), "tx.insufficient_funds"),
            (gapped.Hex(), gapped.Hash.ToString(), "tx.duplicate"),
            (good2.Hex() + "00", null, "codec.trailing_bytes"),
        };
        var poorBefore = await Node.AccountAsync(poor.Address);

        var body = JsonSerializer.Serialize(new { txs = items.Select(i => i.Hex) });
        using var response = await Node.PostJsonAsync("/v1/transactions/batch", body);

        await ApiAssert.StatusAsync(response, HttpStatusCode.OK);
        var json = await response.ReadJsonAsync();
        var results = json.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(items.Length, results.Count);
        for (int i = 0; i < items.Length; i++)
        {
            var (_, hash, code) = items[i];
            Assert.True(code is null == results[i].GetProperty("accepted").GetBoolean(), $"item {i}: {results[i]}");
            Assert.Equal(code, results[i].GetProperty("code").GetString());
            Assert.Equal(hash, results[i].GetProperty("hash").GetString());
            if (code is not null)
            {
                Assert.False(string.IsNullOrEmpty(results[i].Str("detail")), $"item {i} has no detail");
            }
        }
        Assert.Equal(3, json.I32("accepted"));
        Assert.Equal(7, json.I32("rejected"));

        var lookup1 = await Node.WaitForFinalizedAsync(good1.Hash.ToString());
        var lookup2 = await Node.WaitForFinalizedAsync(good2.Hash.ToString());
        Assert.True(lookup1.GetProperty("proof").ToMerkleProof().Verify(lookup1.Hash("transactions_root"), good1.Hash));
        Assert.True(lookup2.GetProperty("proof").ToMerkleProof().Verify(lookup2.Hash("transactions_root"), good2.Hash));
        Assert.Equal("pending", (await Node.GetJsonAsync($"/v1/transactions/{gapped.Hash}")).Str("status"));
        Assert.Equal(new AccountSnapshot(TestNode.FundedBalance - 100 - TxBuilder.DefaultFee, 1), await Node.AccountAsync(first.Address));
        Assert.Equal(new AccountSnapshot(TestNode.FundedBalance - 200 - TxBuilder.DefaultFee, 1), await Node.AccountAsync(second.Address));
        Assert.Equal(poorBefore, await Node.AccountAsync(poor.Address));
        await AssertNotFoundAsync(forged.Hash.ToString());
        await AssertNotFoundAsync(foreign.Hash.ToString());
    }

    [Fact]
    public async Task Accepts_an_empty_batch()
    {
        using var response = await Node.PostJsonAsync("/v1/transactions/batch", """{"txs":[]}""");

        await ApiAssert.StatusAsync(response, HttpStatusCode.OK);
        var json = await response.ReadJsonAsync();
        Assert.Equal(0, json.I32("accepted"));
        Assert.Equal(0, json.I32("rejected"));
        Assert.Empty(json.GetProperty("results").EnumerateArray());
    }

    [Fact]
    public async Task Reports_a_null_item_as_malformed_and_still_admits_the_rest()
    {
        var sender = _fixture.TakeFundedAccount();
        var good = Tx.Transfer(sender, TestKeys.Stranger("batch-null-recipient").Address, 5).Signed();

        using var response = await Node.PostJsonAsync("/v1/transactions/batch", $$"""{"txs":[null,"{{good.Hex()}}"]}""");

        await ApiAssert.StatusAsync(response, HttpStatusCode.OK);
        var results = (await response.ReadJsonAsync()).GetProperty("results");
        Assert.False(results[0].GetProperty("accepted").GetBoolean());
        Assert.Equal("request.malformed", results[0].Str("code"));
        Assert.True(results[1].GetProperty("accepted").GetBoolean());
        await Node.WaitForFinalizedAsync(good.Hash.ToString());
    }

    private async Task AssertNotFoundAsync(string hash)
    {
        using var response = await Node.Http.GetAsync($"/v1/transactions/{hash}");
        await ApiAssert.ProblemAsync(response, HttpStatusCode.NotFound, "tx.not_found");
    }
}
