using System.Globalization;
using System.Net;
using Pocc.Client.Proofs;
using Pocc.Client.Transactions;
using Pocc.Core.Hashing;
using Pocc.Ledger;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Transactions;
using Pocc.Node.Tests.Builders;

namespace Pocc.Client.Tests;

/// <summary>The client's status, transaction, account and block calls against a real node.</summary>
public sealed class ChainApiTests(NodeFixture fixture) : IClassFixture<NodeFixture>, IDisposable
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
    public async Task Status_describes_the_chain()
    {
        await fixture.Node.WaitForHeightAsync(1);

        var status = await _client.GetStatusAsync(Timeout);

        Assert.Equal(TestNode.ChainId, status.ChainId);
        Assert.True(status.Height >= 1);
        Assert.True(Hash32.TryParse(status.HeadHash, out _), status.HeadHash);
        Assert.Equal(TestKeys.Validator.Address.ToString(), status.Validator);
        Assert.True(status.SupplyConserved);
    }

    [Fact]
    public async Task Submitted_transaction_is_finalized_with_an_inclusion_proof_that_verifies()
    {
        var tx = Tx.Transfer(fixture.TakeFundedAccount(), TestKeys.Stranger("client-recipient").Address, 1_234).Signed();

        var accepted = await _client.SubmitTransactionAsync(tx, Timeout);
        var lookup = await _client.WaitForTransactionAsync(tx.Hash, Timeout);

        Assert.Equal(tx.Hash.ToString(), accepted.Hash);
        Assert.Equal("pending", accepted.Status);
        Assert.Equal("finalized", lookup.Status);
        Assert.True(lookup.ProvesInclusion(), "the inclusion proof does not verify");
        Assert.False((lookup with { Hash = Blake3Hash.Of("another"u8).ToString() }).ProvesInclusion());
        var block = await _client.GetBlockAsync(lookup.Height!.Value, cancellationToken: Timeout);
        Assert.Equal(block.Header.TransactionsRoot, lookup.TransactionsRoot);
        Assert.Equal(tx.Hash.ToString(), block.TransactionHashes[lookup.Index!.Value]);
        Assert.Equal(tx.Hash.ToString(), lookup.Transaction!.Hash);
    }

    [Fact]
    public async Task Canonical_bytes_can_be_submitted_and_waited_for_in_one_call()
    {
        var tx = Tx.Transfer(fixture.TakeFundedAccount(), TestKeys.Stranger("client-bytes").Address, 7).Signed();

        var lookup = await _client.SubmitAndWaitAsync(tx, Timeout);

        Assert.Equal("finalized", lookup.Status);
        var again = Tx.Transfer(fixture.TakeFundedAccount(), TestKeys.Stranger("client-bytes").Address, 8).Signed();
        Assert.Equal(again.Hash.ToString(), (await _client.SubmitTransactionAsync(again.Encoded.ToArray(), Timeout)).Hash);
    }

    [Fact]
    public async Task Account_state_is_proven_against_the_state_root_of_a_committed_header()
    {
        var sender = fixture.TakeFundedAccount();
        await _client.SubmitAndWaitAsync(Tx.Transfer(sender, TestKeys.Stranger("client-proof").Address, 5_000).WithFee(25).Signed(), Timeout);

        var account = await _client.GetAccountAsync(sender.Address, Timeout);
        var unknown = await _client.GetAccountAsync(TestKeys.Stranger("client-never-seen").Address, Timeout);

        Assert.Equal((TestNode.FundedBalance - 5_025).ToString(CultureInfo.InvariantCulture), account.Balance);
        Assert.Equal(1UL, account.Nonce);
        Assert.True(account.ProvesState(), "the account's proof does not verify");
        Assert.False((account with { Balance = "1" }).ProvesState(), "a proof verified a balance the account does not have");
        Assert.Equal("0", unknown.Balance);
        Assert.True(unknown.ProvesState(), "the unknown account's non-inclusion proof does not verify");
        var header = (await _client.GetBlockAsync(account.Height, cancellationToken: Timeout)).Header;
        Assert.Equal(header.StateRoot, account.StateRoot);
    }

    [Fact]
    public async Task A_batch_reports_each_transaction_on_its_own()
    {
        var good = Tx.Transfer(fixture.TakeFundedAccount(), TestKeys.Stranger("client-batch").Address, 10).Signed();
        var forged = Tx.Transfer(fixture.TakeFundedAccount(), TestKeys.Stranger("client-batch").Address, 10).SignedBy(TestKeys.Stranger("forger"));

        var answer = await _client.SubmitBatchAsync([good, forged], Timeout);

        Assert.Equal(1, answer.Accepted);
        Assert.Equal(1, answer.Rejected);
        Assert.True(answer.Results[0].Accepted);
        Assert.Equal(LedgerErrors.BadSignature, answer.Results[1].Code);
        await _client.WaitForTransactionAsync(good.Hash, Timeout);
    }

    [Fact]
    public async Task A_refused_transaction_throws_the_ledger_code_and_a_clear_message()
    {
        var wrongChain = Tx.Transfer(fixture.TakeFundedAccount(), TestKeys.Stranger("client-refused").Address, 1).OnChain("another-chain").Signed();
        var unfunded = Tx.Transfer(TestKeys.Stranger("client-poor"), TestKeys.Stranger("client-refused").Address, 1).Signed();

        var chainError = await Assert.ThrowsAsync<PoccApiException>(() => _client.SubmitTransactionAsync(wrongChain, Timeout));
        var fundsError = await Assert.ThrowsAsync<PoccApiException>(() => _client.SubmitTransactionAsync(unfunded, Timeout));

        Assert.Equal(LedgerErrors.WrongChainId, chainError.Code);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, chainError.StatusCode);
        Assert.Equal("Transaction rejected", chainError.Title);
        Assert.Equal($"{LedgerErrors.WrongChainId}: {chainError.Detail}", chainError.Message);
        Assert.False(chainError.IsTransient);
        Assert.Equal(LedgerErrors.InsufficientFunds, fundsError.Code);
    }

    [Fact]
    public async Task Blocks_by_height_hash_and_latest_are_the_same_block_and_full_adds_the_bodies()
    {
        await _client.SubmitAndWaitAsync(Tx.Transfer(fixture.TakeFundedAccount(), TestKeys.Stranger("client-block").Address, 3).Signed(), Timeout);

        var latest = await _client.GetLatestBlockAsync(full: true, Timeout);
        var byHeight = await _client.GetBlockAsync(latest.Header.Height, cancellationToken: Timeout);
        var byHash = await _client.GetBlockAsync(Hash32.Parse(latest.Hash), full: true, Timeout);

        Assert.Equal(latest.Hash, byHeight.Hash);
        Assert.Equal(latest.Hash, byHash.Hash);
        Assert.Null(byHeight.Transactions);
        Assert.Equal(latest.TransactionHashes.Count, latest.Transactions!.Count);
        Assert.Equal(latest.Header.Height, latest.Commit!.Height);
    }

    [Fact]
    public async Task Blocks_are_listed_newest_first_a_page_at_a_time()
    {
        await fixture.Node.WaitForHeightAsync(4);

        var first = await _client.ListBlocksAsync(limit: 2, cancellationToken: Timeout);
        var second = await _client.ListBlocksAsync(first.NextBefore, 2, Timeout);
        var stored = await _client.GetBlockAsync(first.Blocks[0].Height, cancellationToken: Timeout);

        Assert.Equal(2, first.Blocks.Count);
        Assert.Equal(first.Blocks[0].Height - 1, first.Blocks[1].Height);
        Assert.Equal(first.Blocks[1].Height, first.NextBefore);
        Assert.Equal(first.Blocks[1].Height - 1, second.Blocks[0].Height);
        Assert.Equal(stored.Hash, first.Blocks[0].Hash);
        Assert.Equal(stored.Commit!.Signatures.Count, first.Blocks[0].CommitSignatures);
        var refused = await Assert.ThrowsAsync<PoccApiException>(() => _client.ListBlocksAsync(limit: 0, cancellationToken: Timeout));
        Assert.Equal(ApiErrorCodes.InvalidQuery, refused.Code);
    }

    [Fact]
    public async Task Validators_history_and_node_info_describe_the_node()
    {
        await fixture.Node.WaitForHeightAsync(3);

        var validators = await _client.GetValidatorsAsync(Timeout);
        var history = await _client.GetHistoryAsync(2, Timeout);
        var info = await _client.GetNodeInfoAsync(Timeout);

        var validator = Assert.Single(validators.Validators);
        Assert.Equal(TestKeys.Validator.Address.ToString(), validator.Address);
        Assert.Equal(validators.TotalVotingPower, validator.VotingPower);
        Assert.True(validator.Proposals >= 1, $"{validator.Proposals} proposals");
        Assert.Equal(2, history.Samples.Count);
        Assert.Equal(history.Samples[0].Height + 1, history.Samples[1].Height);
        Assert.True(info.Validator);
        Assert.Equal(fixture.Node.Home.Path, info.Home);
        Assert.Equal(0, info.InProcessWorkers);
        Assert.Equal(ApiErrorCodes.InvalidQuery, (await Assert.ThrowsAsync<PoccApiException>(() => _client.GetHistoryAsync(0, Timeout))).Code);
    }

    [Fact]
    public async Task Asking_for_what_does_not_exist_throws_not_found_with_the_node_code()
    {
        var block = await Assert.ThrowsAsync<PoccApiException>(() => _client.GetBlockAsync(999_999_999, cancellationToken: Timeout));
        var tx = await Assert.ThrowsAsync<PoccApiException>(() => _client.GetTransactionAsync(Blake3Hash.Of("no such tx"u8), Timeout));

        Assert.Equal(ApiErrorCodes.BlockNotFound, block.Code);
        Assert.True(block.IsNotFound);
        Assert.Equal("Not found", block.Title);
        Assert.StartsWith($"{ApiErrorCodes.BlockNotFound}: no block '999999999'", block.Message, StringComparison.Ordinal);
        Assert.Equal(ApiErrorCodes.TransactionNotFound, tx.Code);
        Assert.Equal(HttpStatusCode.NotFound, tx.StatusCode);
    }

    [Fact]
    public async Task Waiting_for_a_transaction_the_node_does_not_know_reports_it_dropped()
    {
        var hash = Blake3Hash.Of("never submitted"u8);

        var error = await Assert.ThrowsAsync<PoccTransactionDroppedException>(() => _client.WaitForTransactionAsync(hash, Timeout));

        Assert.Equal(hash, error.TransactionHash);
        Assert.Contains("dropped", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_submitter_steps_over_a_nonce_taken_behind_its_back()
    {
        var sender = fixture.TakeFundedAccount();
        var recipient = TestKeys.Stranger("client-submitter").Address;
        var elsewhere = Tx.Transfer(sender, recipient, 1).WithNonce(0).Signed();
        await _client.SubmitTransactionAsync(elsewhere, Timeout);
        using var submitter = new TransactionSubmitter(_client, sender, new Amount(TxBuilder.DefaultFee));

        var ours = await submitter.SubmitAsync(new Transfer(recipient, new Amount(2)), Timeout);

        Assert.Equal(1UL, ours.Transaction.Nonce);
        await _client.WaitForTransactionAsync(ours.Hash, Timeout);
        Assert.Equal("finalized", await submitter.StatusAsync(elsewhere.Hash, Timeout));
        Assert.Null(await submitter.StatusAsync(Blake3Hash.Of("unknown"u8), Timeout));
        Assert.Equal(2UL, (await _client.GetAccountAsync(sender.Address, Timeout)).Nonce);
    }
}
