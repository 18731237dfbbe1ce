using Pocc.Node.Tests.Builders;

namespace Pocc.Node.Tests.Hosting;

/// <summary>Stopping a node and building a new one on the same home: the chain, state and transaction index survive.</summary>
public sealed class RestartTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string?> Passive = new() { ["Node:Validator"] = "false" };

    private TestNode? _node;

    private TestNode Node => _node!;

    public async Task InitializeAsync() => _node = await TestNode.StartAsync();

    public async Task DisposeAsync()
    {
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }
    }

    [Fact]
    public async Task Reopens_at_the_same_head_with_the_same_state_and_transactions()
    {
        var sender = TestKeys.Funded(0);
        var tx = Tx.Transfer(sender, TestKeys.Stranger("restart-recipient").Address, 999).Signed();
        var before = await Node.SubmitAndFinalizeAsync(tx);
        var senderBefore = await Node.GetJsonAsync($"/v1/accounts/{sender.Address}");
        var chain = Node.Chain;

        await Node.StopAsync();
        // Read after the stop: nothing commits any more, so these are exactly what was on disk at shutdown.
        var (height, head, root) = (chain.Height.Value, chain.HeadHash.ToString(), chain.StateRoot.ToString());
        // A non-validating node does not produce, so the reopened chain is observed exactly where it was left.
        await Node.StartAppAsync(Passive);

        var status = await Node.GetJsonAsync("/v1/status");
        Assert.Equal(height, status.U64("height"));
        Assert.Equal(head, status.Str("head_hash"));
        Assert.Equal(root, status.Str("state_root"));
        Assert.False(status.GetProperty("producing").GetBoolean());
        var block = await Node.GetJsonAsync($"/v1/blocks/{height}");
        Assert.Equal(head, block.Str("hash"));
        Assert.Equal(root, block.GetProperty("header").Str("state_root"));

        var after = await Node.GetJsonAsync($"/v1/transactions/{tx.Hash}");
        Assert.Equal(before.GetRawText(), after.GetRawText());
        Assert.True(after.GetProperty("proof").ToMerkleProof().Verify(after.Hash("transactions_root"), tx.Hash));
        var account = await Node.GetJsonAsync($"/v1/accounts/{sender.Address}");
        Assert.Equal(senderBefore.Str("balance"), account.Str("balance"));
        Assert.Equal(1UL, account.U64("nonce"));
        Assert.Equal(root, account.Str("state_root"));
        Assert.True(account.GetProperty("proof").ToSparseProof().VerifyInclusion(
            account.Hash("state_root"), account.GetProperty("proof").Hash("key"), account.Hash("value_hash")));
    }

    [Fact]
    public async Task Continues_the_chain_from_the_stored_head_after_a_restart()
    {
        await Node.WaitForHeightAsync(3);
        var chain = Node.Chain;
        await Node.StopAsync();
        var (height, head) = (chain.Height.Value, chain.HeadHash.ToString());

        await Node.StartAppAsync();
        await Node.WaitForHeightAsync(height + 2);

        var next = await Node.GetJsonAsync($"/v1/blocks/{height + 1}");
        Assert.Equal(head, next.GetProperty("header").Str("previous_hash"));
        Assert.Equal(head, (await Node.GetJsonAsync($"/v1/blocks/{height}")).Str("hash"));
        var status = await Node.GetJsonAsync("/v1/status");
        Assert.True(status.GetProperty("supply_conserved").GetBoolean());

        var tx = Tx.Transfer(TestKeys.Funded(1), TestKeys.Stranger("after-restart").Address, 1).Signed();
        var lookup = await Node.SubmitAndFinalizeAsync(tx);
        Assert.True(lookup.U64("height") > height);
    }

    [Fact]
    public async Task Rebuilds_the_dashboard_history_and_validator_activity_from_the_stored_chain()
    {
        var tx = Tx.Transfer(TestKeys.Funded(2), TestKeys.Stranger("history-restart").Address, 3).Signed();
        ulong txHeight = (await Node.SubmitAndFinalizeAsync(tx)).U64("height");
        var chain = Node.Chain;
        await Node.StopAsync();
        ulong height = chain.Height.Value;

        await Node.StartAppAsync(Passive);

        var samples = (await Node.GetJsonAsync("/v1/stats/history?limit=1000")).GetProperty("samples").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(1, (int)height).Select(h => (ulong)h), samples.Select(s => s.U64("height")));
        var sample = samples.Single(s => s.U64("height") == txHeight);
        Assert.Equal(1UL, sample.U64("transaction_count"));
        Assert.True(sample.IsNull("finality_ms"), "finality is only known for blocks finalized while the process ran");
        var validator = (await Node.GetJsonAsync("/v1/validators")).GetProperty("validators")[0];
        Assert.Equal(height, validator.U64("proposals"));
    }
}
