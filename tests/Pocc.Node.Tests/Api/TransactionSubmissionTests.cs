using System.Net;
using System.Text.Json;
using Pocc.Core.Hashing;
using Pocc.Ledger.Transactions;
using Pocc.Node.Tests.Builders;

namespace Pocc.Node.Tests.Api;

/// <summary>POST /v1/transactions and GET /v1/transactions/{hash} on a running node.</summary>
public sealed class TransactionSubmissionTests : IClassFixture<NodeFixture>
{
    private readonly NodeFixture _fixture;

    public TransactionSubmissionTests(NodeFixture fixture) => _fixture = fixture;

    private TestNode Node => _fixture.Node;

    [Fact]
    public async Task Accepts_canonical_bytes_and_finalizes_the_transaction_with_a_verifiable_inclusion_proof()
    {
        var tx = Tx.Transfer(_fixture.TakeFundedAccount(), TestKeys.Stranger("octet-recipient").Address, 1_234).Signed();

        using (var response = await Node.PostBytesAsync("/v1/transactions", tx.Bytes()))
        {
            await AssertAcceptedAsync(response, tx);
        }

        await AssertFinalizedWithProofAsync(tx);
    }

    [Fact]
    public async Task Accepts_json_hex_and_finalizes_the_transaction_with_a_verifiable_inclusion_proof()
    {
        var tx = Tx.Transfer(_fixture.TakeFundedAccount(), TestKeys.Stranger("json-recipient").Address, 4_321).Signed();

        using (var response = await Node.PostJsonAsync("/v1/transactions", $$"""{"tx":"{{tx.Hex()}}"}"""))
        {
            await AssertAcceptedAsync(response, tx);
        }

        await AssertFinalizedWithProofAsync(tx);
    }

    [Fact]
    public async Task Finalizes_consecutive_nonces_from_one_sender_in_order()
    {
        var sender = _fixture.TakeFundedAccount();
        var recipient = TestKeys.Stranger("consecutive-recipient").Address;
        var txs = Enumerable.Range(0, 3).Select(n => Tx.Transfer(sender, recipient, 100).WithNonce((ulong)n).Signed()).ToList();

        foreach (var tx in txs)
        {
            using var response = await Node.SubmitAsync(tx);
            await ApiAssert.StatusAsync(response, HttpStatusCode.Accepted);
        }
        var lookups = new List<JsonElement>();
        foreach (var tx in txs)
        {
            lookups.Add(await Node.WaitForFinalizedAsync(tx.Hash.ToString()));
        }

        var positions = lookups.Select(l => (l.U64("height"), l.I32("index"))).ToList();
        Assert.Equal(positions.Order().ToList(), positions);
        Assert.Equal(new AccountSnapshot(TestNode.FundedBalance - 3 * (100 + TxBuilder.DefaultFee), 3), await Node.AccountAsync(sender.Address));
    }

    [Fact]
    public async Task Reports_a_transaction_waiting_behind_a_nonce_gap_as_pending()
    {
        var tx = Tx.Transfer(_fixture.TakeFundedAccount(), TestKeys.Stranger("gap-recipient").Address, 5).WithNonce(1).Signed();
        using (var response = await Node.SubmitAsync(tx))
        {
            await ApiAssert.StatusAsync(response, HttpStatusCode.Accepted);
        }
        var height = Node.Chain.Height.Value;
        await Node.WaitForHeightAsync(height + 2);

        var lookup = await Node.GetJsonAsync($"/v1/transactions/{tx.Hash}");

        Assert.Equal(tx.Hash.ToString(), lookup.Str("hash"));
        Assert.Equal("pending", lookup.Str("status"));
        Assert.True(lookup.IsNull("height"));
        Assert.True(lookup.IsNull("proof"));
    }

    private static async Task AssertAcceptedAsync(HttpResponseMessage response, SignedTransaction tx)
    {
        await ApiAssert.StatusAsync(response, HttpStatusCode.Accepted);
        var body = await response.ReadJsonAsync();
        Assert.Equal(tx.Hash.ToString(), body.Str("hash"));
        Assert.Equal("pending", body.Str("status"));
        Assert.Equal($"/v1/transactions/{tx.Hash}", response.Headers.Location?.OriginalString);
    }

    private async Task AssertFinalizedWithProofAsync(SignedTransaction tx)
    {
        var lookup = await Node.WaitForFinalizedAsync(tx.Hash.ToString());

        Assert.Equal(tx.Hash.ToString(), lookup.Str("hash"));
        ulong height = lookup.U64("height");
        int index = lookup.I32("index");
        var transactionsRoot = lookup.Hash("transactions_root");
        var proof = lookup.GetProperty("proof").ToMerkleProof();
        Assert.Equal(index, proof.LeafIndex);
        Assert.True(proof.Verify(transactionsRoot, tx.Hash), "the inclusion proof does not verify against the transactions root");
        Assert.False(proof.Verify(transactionsRoot, Blake3Hash.Of([1, 2, 3])), "the proof verifies a transaction that is not in the block");

        var body = lookup.GetProperty("transaction");
        Assert.Equal(tx.Hex(), body.Str("encoded"));
        Assert.Equal(tx.Hash, Blake3Hash.Of(Convert.FromHexString(body.Str("encoded"))));
        var transfer = (Transfer)tx.Transaction.Payload;
        Assert.Equal("transfer", body.Str("kind"));
        Assert.Equal(TestNode.ChainId, body.Str("chain_id"));
        Assert.Equal(tx.Transaction.SenderAddress.ToString(), body.Str("sender"));
        Assert.Equal(tx.Transaction.Sender.ToString(), body.Str("public_key"));
        Assert.Equal(tx.Transaction.Nonce, body.U64("nonce"));
        Assert.Equal(tx.Transaction.Fee.ToString(), body.Str("fee"));
        Assert.Equal(transfer.To.ToString(), body.Str("to"));
        Assert.Equal(transfer.Amount.ToString(), body.Str("amount"));
        Assert.Equal(tx.Signature.ToString(), body.Str("signature"));

        // The root the proof verifies against is the one the block's header commits to, next to the leaf count.
        var block = await Node.GetJsonAsync($"/v1/blocks/{height}");
        var header = block.GetProperty("header");
        Assert.Equal(lookup.Str("block_hash"), block.Str("hash"));
        Assert.Equal(transactionsRoot, header.Hash("transactions_root"));
        Assert.Equal(height, header.U64("height"));
        Assert.Equal((int)header.U64("transaction_count"), proof.LeafCount);
        Assert.Equal(tx.Hash.ToString(), block.GetProperty("transaction_hashes")[index].GetString());
    }
}
