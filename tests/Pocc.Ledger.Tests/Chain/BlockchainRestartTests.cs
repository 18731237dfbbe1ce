using Pocc.Core.Hashing;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tests.Builders;
using Pocc.Ledger.Transactions;
using Pocc.Storage;
using static Pocc.Ledger.Tests.Builders.TestKeys;

namespace Pocc.Ledger.Tests.Chain;

/// <summary>Closing the store and opening it again gives back the same chain.</summary>
public sealed class BlockchainRestartTests
{
    [Fact]
    public void Reopened_chain_has_the_same_height_head_state_root_and_supply()
    {
        using var t = TestChain.Create();
        t.Produce(Tx.Transfer(Alice, Bob, 5).Signed(), Tx.Bond(Carol, 7).Signed());
        t.Produce(Tx.Transfer(Bob, Dave, 3).Signed());
        var before = ChainSnapshot.Of(t.Chain);
        var head = t.Chain.HeadHeader;

        t.Reopen();

        Assert.Equal(before, ChainSnapshot.Of(t.Chain));
        Assert.Equal(head, t.Chain.HeadHeader);
        Assert.True(t.Chain.SupplyIsConserved());
    }

    [Fact]
    public void Reopened_chain_at_genesis_is_still_at_genesis()
    {
        using var t = TestChain.Create();
        var before = ChainSnapshot.Of(t.Chain);

        t.Reopen();

        Assert.Equal(before, ChainSnapshot.Of(t.Chain));
        Assert.Equal(t.Chain.GenesisHash, t.Chain.HeadHash);
        Assert.Null(t.Chain.HeadHeader);
    }

    [Fact]
    public void Transactions_are_found_by_hash_after_a_restart_with_an_inclusion_proof_against_the_header()
    {
        using var t = TestChain.Create();
        var sent = new List<SignedTransaction>();
        for (int block = 0; block < 3; block++)
        {
            // 1, 2 and 3 transactions: odd and even Merkle trees.
            // Sender i first sends in block i, so its nonce in block b is b - i.
            var txs = TestKeys.FundedLabels.Take(block + 1).Select((label, i) => Tx.Transfer(Of(label), Dave, 1).WithNonce((ulong)(block - i)).Signed()).ToArray();
            var produced = t.Produce(txs);
            Assert.Empty(produced.Rejected);
            sent.AddRange(txs);
        }

        t.Reopen();

        foreach (var tx in sent)
        {
            var location = t.Chain.FindTransaction(tx.Hash);
            Assert.NotNull(location);
            var block = t.Chain.GetBlock(location.Value.Height)!;
            var header = t.Chain.GetHeader(location.Value.Height)!;
            Assert.Equal(tx.Hash, block.Transactions[location.Value.Index].Hash);

            var proof = block.ProveTransaction(location.Value.Index);
            Assert.Equal((int)header.TransactionCount, proof.LeafCount);
            Assert.True(proof.Verify(header.TransactionsRoot, tx.Hash));
            Assert.False(proof.Verify(header.TransactionsRoot, Blake3Hash.Of(tx.Hash.ToArray())));
            Assert.False(proof.Verify(header.StateRoot, tx.Hash));
        }
        Assert.Null(t.Chain.FindTransaction(Blake3Hash.Of("never sent"u8)));
    }

    [Fact]
    public void Blocks_are_found_by_hash_and_height_after_a_restart()
    {
        using var t = TestChain.Create();
        var produced = t.Produce(Tx.Transfer(Alice, Bob, 1).Signed());

        t.Reopen();

        Assert.Equal(produced.Block.Hash, t.Chain.GetBlock(produced.Block.Hash)!.Hash);
        Assert.Equal(produced.Block.Hash, t.Chain.GetBlock(new Height(1))!.Hash);
        Assert.Equal(produced.Commit.Hash, t.Chain.GetCommit(new Height(1))!.Hash);
        Assert.Null(t.Chain.GetBlock(new Height(2)));
        Assert.Null(t.Chain.GetBlock(Blake3Hash.Of("no such block"u8)));
    }

    [Fact]
    public void Reopened_chain_keeps_producing_blocks_a_replica_accepts()
    {
        using var t = TestChain.Create();
        t.Produce(Tx.Transfer(Alice, Bob, 1).Signed());
        t.Reopen();
        t.Produce(Tx.Transfer(Alice, Bob, 1).WithNonce(1).Signed());

        using var replica = t.Replica();
        foreach (var (block, commit) in t.CommittedBlocks())
        {
            replica.Chain.Apply(block, commit);
        }
        Assert.Equal(t.Chain.HeadHash, replica.Chain.HeadHash);
        Assert.Equal(t.Chain.StateRoot, replica.Chain.StateRoot);
    }

    [Fact]
    public void Unbonding_pending_at_a_restart_is_released_on_time()
    {
        using var t = TestChain.Create(GenesisBuilder.Default().WithParameters(p => p with { UnbondingPeriodBlocks = 3 }));
        t.Produce(Tx.Bond(Alice, 100).Signed(), Tx.Unbond(Alice, 40).WithNonce(1).Signed()); // height 1, releases at 4
        ulong balance = t.Chain.GetAccount(Alice.Address).Balance.Value;

        t.Reopen();
        t.ProduceEmpty(2);
        Assert.Equal(balance, t.Chain.GetAccount(Alice.Address).Balance.Value);
        t.Reopen();
        t.Produce();

        Assert.Equal(balance + 40, t.Chain.GetAccount(Alice.Address).Balance.Value);
        Assert.Empty(t.Chain.GetAccount(Alice.Address).Unbonding);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void Opening_a_store_with_a_different_genesis_fails_as_corrupt(int blocks)
    {
        using var t = TestChain.Create();
        t.ProduceEmpty(blocks);
        var other = GenesisBuilder.Default().WithAccount("eve", 1).Build();

        var error = Assert.Throws<StorageException>(() => t.Reopen(other));

        Assert.Equal(StorageException.Corrupt, error.Code);
    }
}
