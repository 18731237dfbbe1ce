using Pocc.Core.Crypto;
using Pocc.Core.Hashing;
using Pocc.Ledger.Blocks;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tests.Builders;
using Pocc.Ledger.Transactions;
using static Pocc.Ledger.Tests.Builders.TestKeys;

namespace Pocc.Ledger.Tests.Chain;

/// <summary>
/// Blocks made elsewhere: a replica applies what a producer committed, and refuses any tampered copy
/// (re-signed by the real validator, so only the tampered part can be the reason) without changing anything.
/// </summary>
public sealed class BlockchainApplyTests : IDisposable
{
    private static readonly Hash32 Garbage = Blake3Hash.Of("garbage"u8);

    private readonly TestChain _producer = TestChain.Create();
    private readonly TestChain _replica;
    private readonly ProducedBlock _first;

    public BlockchainApplyTests()
    {
        _replica = _producer.Replica();
        _first = _producer.Produce(Tx.Transfer(Alice, Bob, 100).Signed(), Tx.Bond(Carol, 50).Signed());
    }

    public void Dispose()
    {
        _producer.Dispose();
        _replica.Dispose();
    }

    private void AssertRefused(Block block, Commit commit, string code)
    {
        var before = ChainSnapshot.Of(_replica.Chain);
        var error = Assert.Throws<LedgerException>(() => _replica.Chain.Apply(block, commit));
        Assert.Equal(code, error.Code);
        Assert.Equal(before, ChainSnapshot.Of(_replica.Chain));
        Assert.Null(_replica.Chain.GetBlock(block.Header.Height));
        foreach (var tx in block.Transactions)
        {
            Assert.Null(_replica.Chain.FindTransaction(tx.Hash));
        }

        // Nothing was half-done: the genuine block still applies.
        _replica.Chain.Apply(_first.Block, _first.Commit);
        Assert.Equal(_producer.Chain.StateRoot, _replica.Chain.StateRoot);
    }

    /// <summary>The block with an edited header, committed by the real validator.</summary>
    private void AssertRefusedHeader(Func<BlockHeader, BlockHeader> edit, string code)
    {
        var tampered = Tamper.Header(_first.Block, edit);
        Assert.NotEqual(_first.Block.Hash, tampered.Hash);
        AssertRefused(tampered, _producer.SignCommit(tampered), code);
    }

    [Fact]
    public void Replica_applies_the_producers_block_and_reaches_the_same_state()
    {
        var committed = _replica.Chain.Apply(_first.Block, _first.Commit);

        Assert.Equal(_first.Block.Hash, committed.Block.Hash);
        Assert.Equal(_producer.Chain.HeadHash, _replica.Chain.HeadHash);
        Assert.Equal(_producer.Chain.StateRoot, _replica.Chain.StateRoot);
        Assert.Equal(ChainSnapshot.Of(_producer.Chain), ChainSnapshot.Of(_replica.Chain));
    }

    [Fact]
    public void Block_committed_event_fires_once_after_the_block_is_in_the_state()
    {
        var seen = new List<(Height Height, Hash32 Root)>();
        _replica.Chain.BlockCommitted += committed => seen.Add((committed.Block.Header.Height, _replica.Chain.StateRoot));
        _replica.Chain.Apply(_first.Block, _first.Commit);
        Assert.Equal([(new Height(1), _first.Block.Header.StateRoot)], seen);
    }

    [Fact]
    public void Refuses_a_wrong_state_root() =>
        AssertRefusedHeader(h => Tamper.Header(h, stateRoot: Garbage), LedgerErrors.BlockWrongStateRoot);

    [Fact]
    public void Refuses_a_wrong_parent() =>
        AssertRefusedHeader(h => Tamper.Header(h, previousHash: Garbage), LedgerErrors.BlockWrongParent);

    [Theory]
    [InlineData(0UL)]
    [InlineData(2UL)]
    public void Refuses_a_wrong_height(ulong height) =>
        AssertRefusedHeader(h => Tamper.Header(h, height: new Height(height)), LedgerErrors.BlockWrongHeight);

    [Fact]
    public void Refuses_a_block_for_another_chain() =>
        AssertRefusedHeader(h => Tamper.Header(h, chainId: new ChainId("pocc-other")), LedgerErrors.BlockInvalid);

    [Fact]
    public void Refuses_a_wrong_last_commit_hash() =>
        AssertRefusedHeader(h => Tamper.Header(h, lastCommitHash: Garbage), LedgerErrors.BlockInvalid);

    [Fact]
    public void Refuses_a_transaction_count_that_does_not_match() =>
        AssertRefusedHeader(h => Tamper.Header(h, transactionCount: h.TransactionCount + 1), LedgerErrors.BlockInvalid);

    [Fact]
    public void Refuses_a_proposer_that_is_not_a_validator() =>
        AssertRefusedHeader(h => Tamper.Header(h, proposer: Alice.Address), LedgerErrors.BlockInvalid);

    [Fact]
    public void Refuses_a_timestamp_before_the_genesis_time()
    {
        using var producer = TestChain.Create(GenesisBuilder.Default().WithGenesisTime(10_000));
        using var replica = producer.Replica();
        var block = producer.Propose().Block;
        var early = Tamper.Header(block, h => Tamper.Header(h, timestampMs: 9_999));

        var error = Assert.Throws<LedgerException>(() => replica.Chain.Apply(early, producer.SignCommit(early)));

        Assert.Equal(LedgerErrors.BlockInvalid, error.Code);
        replica.Chain.Apply(block, producer.SignCommit(block));
    }

    [Fact]
    public void Refuses_a_transaction_list_that_does_not_match_the_transactions_root()
    {
        var extra = Tx.Transfer(Dave, Bob, 1).Signed();
        var tampered = new Block(_first.Block.Header, [.. _first.Block.Transactions, extra]);
        AssertRefused(tampered, _first.Commit, LedgerErrors.BlockInvalid);
    }

    [Fact]
    public void Refuses_a_tampered_transaction_even_with_a_matching_root_and_commit()
    {
        var original = _first.Block.Transactions[0];
        var inflated = new SignedTransaction(original.Transaction with { Payload = new Transfer(Bob.Address, new Amount(1_000)) }, original.Signature);
        var tampered = Tamper.Transactions(_first.Block, [inflated, .. _first.Block.Transactions.Skip(1)]);
        AssertRefused(tampered, _producer.SignCommit(tampered), LedgerErrors.BadSignature);
    }

    [Fact]
    public void Refuses_a_commit_with_a_bad_signature()
    {
        var signature = _first.Commit.Signatures[0];
        var bytes = signature.Signature.Bytes.ToArray();
        bytes[0] ^= 1;
        var commit = _first.Commit with { Signatures = [signature with { Signature = new Signature(bytes) }] };
        AssertRefused(_first.Block, commit, LedgerErrors.BlockBadCommit);
    }

    [Fact]
    public void Refuses_a_commit_signed_by_a_non_validator() =>
        AssertRefused(_first.Block, _producer.SignCommit(_first.Block, [Alice]), LedgerErrors.BlockBadCommit);

    [Fact]
    public void Refuses_a_commit_with_no_signatures() =>
        AssertRefused(_first.Block, _first.Commit with { Signatures = [] }, LedgerErrors.BlockBadCommit);

    [Fact]
    public void Refuses_a_commit_for_another_block() =>
        AssertRefused(_first.Block, Commits.Sign(_producer.Chain.ChainId, new Height(1), Garbage, _producer.ValidatorKeys), LedgerErrors.BlockBadCommit);

    [Fact]
    public void Refuses_a_commit_for_another_height() =>
        AssertRefused(_first.Block, Commits.Sign(_producer.Chain.ChainId, new Height(2), _first.Block.Hash, _producer.ValidatorKeys), LedgerErrors.BlockBadCommit);

    [Fact]
    public void Refuses_a_commit_signed_for_another_chain() =>
        AssertRefused(_first.Block, Commits.Sign(new ChainId("pocc-other"), _first.Block, _producer.ValidatorKeys), LedgerErrors.BlockBadCommit);

    [Fact]
    public void Refuses_a_commit_whose_round_is_not_the_signed_round()
    {
        var signedForRoundOne = _producer.SignCommit(_first.Block, round: 1);
        AssertRefused(_first.Block, signedForRoundOne with { Round = 0 }, LedgerErrors.BlockBadCommit);
    }

    [Fact]
    public void Accepts_a_commit_from_a_later_round()
    {
        _replica.Chain.Apply(_first.Block, _producer.SignCommit(_first.Block, round: 3));
        Assert.Equal(_producer.Chain.StateRoot, _replica.Chain.StateRoot);
        Assert.Equal(3u, _replica.Chain.GetCommit(new Height(1))!.Round);
    }

    [Fact]
    public void Second_block_links_to_the_first_commit()
    {
        var second = _producer.Produce(Tx.Transfer(Bob, Alice, 1).Signed());
        Assert.Equal(_first.Block.Hash, second.Block.Header.PreviousHash);
        Assert.Equal(_first.Commit.Hash, second.Block.Header.LastCommitHash);

        _replica.Chain.Apply(_first.Block, _first.Commit);
        var outOfOrder = Assert.Throws<LedgerException>(() => _replica.Chain.Apply(_first.Block, _first.Commit));
        Assert.Equal(LedgerErrors.BlockWrongHeight, outOfOrder.Code);
        _replica.Chain.Apply(second.Block, second.Commit);
        Assert.Equal(_producer.Chain.HeadHash, _replica.Chain.HeadHash);
    }
}
