using Microsoft.Extensions.Time.Testing;
using Pocc.Ledger.Chain;
using Pocc.Ledger.Mempool;
using Pocc.Ledger.Tests.Builders;
using Pocc.Ledger.Transactions;
using static Pocc.Ledger.Tests.Builders.TestKeys;

namespace Pocc.Ledger.Tests.Mempool;

public sealed class TransactionPoolTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private TestChain _chain = TestChain.Create();
    private TransactionPool _pool;

    public TransactionPoolTests() => _pool = new TransactionPool(_chain.Chain, new MempoolOptions(), _time);

    public void Dispose() => _chain.Dispose();

    private void Use(MempoolOptions options, GenesisBuilder? genesis = null)
    {
        if (genesis is not null)
        {
            _chain.Dispose();
            _chain = TestChain.Create(genesis);
        }
        _pool = new TransactionPool(_chain.Chain, options, _time);
    }

    private static SignedTransaction Send(Core.Crypto.KeyPair from, ulong nonce = 0, ulong fee = 10, ulong amount = 1) =>
        Tx.Transfer(from, from == Dave ? Alice : Dave, amount).WithNonce(nonce).WithFee(fee).Signed();

    private void AddAll(params SignedTransaction[] txs)
    {
        foreach (var tx in txs)
        {
            _pool.Add(tx);
        }
    }

    private LedgerException Refused(SignedTransaction tx) => Assert.Throws<LedgerException>(() => _pool.Add(tx));

    /// <summary>Reaps, proposes, commits and tells the pool, as the block producer does.</summary>
    private (ProducedBlock Block, IReadOnlyList<double> Waited) ProduceFromPool()
    {
        var proposed = _chain.Propose([.. _pool.Reap(int.MaxValue)]);
        var committed = _chain.Chain.Commit(proposed, _chain.SignCommit(proposed.Block));
        var waited = _pool.OnBlockCommitted(committed, proposed.Rejected);
        return (new ProducedBlock(committed.Block, committed.Commit, proposed.Rejected), waited);
    }

    // ---- Reap order ----

    [Fact]
    public void Reap_returns_a_senders_transactions_in_nonce_order_whatever_the_arrival_order()
    {
        var txs = Enumerable.Range(0, 3).Select(n => Send(Alice, nonce: (ulong)n)).ToArray();
        AddAll(txs[2], txs[0], txs[1]);

        Assert.Equal(txs.Select(tx => tx.Hash), _pool.Reap(10).Select(tx => tx.Hash));
    }

    [Fact]
    public void Reap_takes_senders_by_fee_highest_first()
    {
        var low = Send(Alice, fee: 5);
        var high = Send(Bob, fee: 9);
        var middle = Send(Carol, fee: 7);
        AddAll(low, high, middle);

        Assert.Equal([high.Hash, middle.Hash, low.Hash], _pool.Reap(10).Select(tx => tx.Hash));
    }

    [Fact]
    public void Reap_never_puts_a_later_nonce_before_an_earlier_one_even_when_it_pays_more()
    {
        var cheapFirst = Send(Alice, nonce: 0, fee: 1);
        var richSecond = Send(Alice, nonce: 1, fee: 100);
        var bob = Send(Bob, fee: 50);
        AddAll(richSecond, cheapFirst, bob);

        Assert.Equal([bob.Hash, cheapFirst.Hash, richSecond.Hash], _pool.Reap(10).Select(tx => tx.Hash));
    }

    [Fact]
    public void Reap_takes_equal_fees_in_arrival_order()
    {
        var first = Send(Carol, fee: 5);
        var second = Send(Alice, fee: 5);
        var third = Send(Bob, fee: 5);
        AddAll(first, second, third);

        Assert.Equal([first.Hash, second.Hash, third.Hash], _pool.Reap(10).Select(tx => tx.Hash));
    }

    [Fact]
    public void Reap_returns_at_most_the_count_asked_for_and_removes_nothing()
    {
        AddAll([.. Enumerable.Range(0, 5).Select(n => Send(Alice, nonce: (ulong)n))]);

        Assert.Equal(2, _pool.Reap(2).Count);
        Assert.Empty(_pool.Reap(0));
        Assert.Equal(5, _pool.Count);
    }

    [Fact]
    public void Gapped_nonces_are_not_reaped_until_the_gap_is_filled()
    {
        var n0 = Send(Alice, nonce: 0);
        var n1 = Send(Alice, nonce: 1);
        var n2 = Send(Alice, nonce: 2);
        var n4 = Send(Alice, nonce: 4);
        AddAll(n0, n2, n4);

        Assert.Equal([n0.Hash], _pool.Reap(10).Select(tx => tx.Hash));

        _pool.Add(n1);
        Assert.Equal([n0.Hash, n1.Hash, n2.Hash], _pool.Reap(10).Select(tx => tx.Hash));
        Assert.Equal(4, _pool.Count);
    }

    [Fact]
    public void Sender_whose_next_nonce_is_missing_is_not_reaped_at_all()
    {
        AddAll(Send(Alice, nonce: 1), Send(Alice, nonce: 2));
        Assert.Empty(_pool.Reap(10));
    }

    // ---- Admission ----

    [Fact]
    public void Duplicate_is_refused_and_changes_nothing()
    {
        var tx = Send(Alice);
        _pool.Add(tx);
        long bytes = _pool.Bytes;

        Assert.Equal(LedgerErrors.Duplicate, Refused(tx).Code);
        Assert.Equal(LedgerErrors.Duplicate, Refused(SignedTransaction.Decode(tx.Encoded)).Code);
        Assert.Equal(1, _pool.Count);
        Assert.Equal(bytes, _pool.Bytes);
    }

    [Fact]
    public void Replacement_must_pay_at_least_ten_percent_more()
    {
        var original = Send(Alice, fee: 100);
        _pool.Add(original);

        var cheap = Send(Alice, fee: 109, amount: 2);
        Assert.Equal(LedgerErrors.FeeTooLowToReplace, Refused(cheap).Code);
        Assert.True(_pool.Contains(original.Hash));
        Assert.False(_pool.Contains(cheap.Hash));

        var enough = Send(Alice, fee: 110, amount: 3);
        _pool.Add(enough);
        Assert.False(_pool.Contains(original.Hash));
        Assert.True(_pool.Contains(enough.Hash));
        Assert.Equal(1, _pool.Count);
        Assert.Equal(enough.EncodedSize, _pool.Bytes);
        Assert.Equal([enough.Hash], _pool.Reap(10).Select(tx => tx.Hash));
    }

    [Fact]
    public void Bytes_track_the_encoded_size_of_what_is_pending()
    {
        var transfer = Send(Alice);
        var bond = Tx.Bond(Bob, 5).Signed();
        AddAll(transfer, bond);
        Assert.Equal(transfer.EncodedSize + bond.EncodedSize, _pool.Bytes);

        ProduceFromPool();
        Assert.Equal(0, _pool.Bytes);
        Assert.Equal(0, _pool.Count);
    }

    public static TheoryData<string> AdmissionFailures => ["nonce too low", "insufficient funds", "wrong chain", "fee too low", "zero amount", "self transfer", "bad signature"];

    [Theory]
    [MemberData(nameof(AdmissionFailures))]
    public void Transaction_that_cannot_run_is_refused_on_admission(string failure)
    {
        _chain.Produce(Send(Alice, nonce: 0));
        var (tx, code) = failure switch
        {
            "nonce too low" => (Send(Alice, nonce: 0, amount: 7), LedgerErrors.NonceTooLow),
            "insufficient funds" => (Send(Bob, amount: GenesisBuilder.DefaultBalance), LedgerErrors.InsufficientFunds),
            "wrong chain" => (Tx.Transfer(Bob, Carol, 1).OnChain("pocc-other").Signed(), LedgerErrors.WrongChainId),
            "fee too low" => (Send(Bob, fee: 0), LedgerErrors.FeeTooLow),
            "zero amount" => (Send(Bob, amount: 0), LedgerErrors.ZeroAmount),
            "self transfer" => (Tx.Transfer(Bob, Bob, 1).Signed(), LedgerErrors.SelfTransfer),
            "bad signature" => (Tx.Transfer(Bob, Carol, 1).SignedBy(Carol), LedgerErrors.BadSignature),
            _ => throw new ArgumentOutOfRangeException(nameof(failure)),
        };

        Assert.Equal(code, Refused(tx).Code);
        Assert.Equal(0, _pool.Count);
        Assert.Equal(0, _pool.Bytes);
    }

    // ---- Limits ----

    [Fact]
    public void Full_pool_evicts_the_lowest_fee_for_a_better_paying_newcomer()
    {
        Use(new MempoolOptions { MaxTransactions = 3 });
        var five = Send(Alice, fee: 5);
        var six = Send(Bob, fee: 6);
        var seven = Send(Carol, fee: 7);
        AddAll(five, six, seven);

        var eight = Send(Dave, fee: 8);
        _pool.Add(eight);

        Assert.Equal(3, _pool.Count);
        Assert.False(_pool.Contains(five.Hash));
        Assert.True(_pool.Contains(six.Hash) && _pool.Contains(seven.Hash) && _pool.Contains(eight.Hash));
    }

    [Theory]
    [InlineData(5UL)]
    [InlineData(4UL)]
    public void Full_pool_refuses_a_newcomer_that_pays_no_more_than_the_cheapest(ulong fee)
    {
        Use(new MempoolOptions { MaxTransactions = 2 });
        var five = Send(Alice, fee: 5);
        var nine = Send(Bob, fee: 9);
        AddAll(five, nine);

        Assert.Equal(LedgerErrors.MempoolFull, Refused(Send(Carol, fee: fee)).Code);
        Assert.Equal(2, _pool.Count);
        Assert.True(_pool.Contains(five.Hash) && _pool.Contains(nine.Hash));
    }

    [Fact]
    public void Full_pool_refuses_a_newcomer_that_cannot_evict_before_checking_its_signature()
    {
        Use(new MempoolOptions { MaxTransactions = 2 });
        AddAll(Send(Alice, fee: 5), Send(Bob, fee: 9));
        int verified = _chain.Chain.Verifier.Remembered;

        // Signed by the wrong key: had its signature been checked, the refusal would say so.
        Assert.Equal(LedgerErrors.MempoolFull, Refused(Tx.Transfer(Carol, Dave, 1).WithFee(5).SignedBy(Dave)).Code);
        Assert.Equal(LedgerErrors.MempoolFull, Refused(Tx.Transfer(Carol, Dave, 1).WithFee(4).Signed()).Code);
        Assert.Equal(verified, _chain.Chain.Verifier.Remembered);
        // One that could evict is checked in full, and a forged signature is still refused as such.
        Assert.Equal(LedgerErrors.BadSignature, Refused(Tx.Transfer(Carol, Dave, 1).WithFee(6).SignedBy(Dave)).Code);
        Assert.Equal(2, _pool.Count);
    }

    [Fact]
    public void A_batch_past_the_room_left_is_cut_there_without_checking_the_signatures_beyond()
    {
        Use(new MempoolOptions { MaxTransactions = 3 });
        // Past the third, each is signed by the wrong key: had its signature been checked, the refusal would say so.
        var batch = Enumerable.Range(0, 10)
            .Select(i => Tx.Transfer(Alice, Bob, 1).WithNonce((ulong)i).WithFee(5).SignedBy(i < 3 ? Alice : Dave))
            .ToArray();

        var errors = _pool.AddBatch(batch);

        Assert.Equal(3, _pool.Count);
        Assert.All(errors.Take(3), Assert.Null);
        Assert.All(errors.Skip(3), e => Assert.Equal(LedgerErrors.MempoolFull, e?.Code));
    }

    [Fact]
    public void Evicting_a_transaction_also_evicts_the_later_nonces_of_its_sender()
    {
        Use(new MempoolOptions { MaxTransactions = 3 });
        var aliceFirst = Send(Alice, nonce: 0, fee: 1);
        var aliceSecond = Send(Alice, nonce: 1, fee: 50);
        var bob = Send(Bob, fee: 10);
        AddAll(aliceFirst, aliceSecond, bob);

        var carol = Send(Carol, fee: 20);
        _pool.Add(carol);

        Assert.Equal(2, _pool.Count);
        Assert.False(_pool.Contains(aliceFirst.Hash));
        Assert.False(_pool.Contains(aliceSecond.Hash));
        Assert.Equal([carol.Hash, bob.Hash], _pool.Reap(10).Select(tx => tx.Hash));
    }

    [Fact]
    public void Byte_limit_evicts_the_lowest_fee_first()
    {
        int size = Send(Alice).EncodedSize;
        Use(new MempoolOptions { MaxBytes = 2 * size });
        var cheap = Send(Alice, fee: 3);
        var dear = Send(Bob, fee: 30);
        AddAll(cheap, dear);

        Assert.Equal(LedgerErrors.MempoolFull, Refused(Send(Carol, fee: 3)).Code);
        var better = Send(Carol, fee: 4);
        _pool.Add(better);

        Assert.Equal(2 * size, _pool.Bytes);
        Assert.False(_pool.Contains(cheap.Hash));
        Assert.True(_pool.Contains(dear.Hash) && _pool.Contains(better.Hash));
    }

    [Fact]
    public void Sender_may_queue_only_so_far_ahead_of_its_next_nonce()
    {
        Use(new MempoolOptions { MaxPerSender = 3 });
        AddAll(Send(Alice, nonce: 0), Send(Alice, nonce: 1), Send(Alice, nonce: 2));

        Assert.Equal(LedgerErrors.NonceGap, Refused(Send(Alice, nonce: 3)).Code);
        Assert.Equal(LedgerErrors.NonceGap, Refused(Send(Alice, nonce: 100)).Code);
        _pool.Add(Send(Bob, nonce: 2));

        ProduceFromPool();
        Assert.Equal(3UL, _chain.Chain.GetAccount(Alice.Address).Nonce);
        _pool.Add(Send(Alice, nonce: 5));
    }

    // ---- After a block ----

    [Fact]
    public void Committed_block_removes_its_transactions_and_reports_how_long_each_waited()
    {
        var alice = Send(Alice, fee: 20);
        _pool.Add(alice);
        _time.Advance(TimeSpan.FromSeconds(2));
        var bob = Send(Bob, fee: 10);
        _pool.Add(bob);
        _time.Advance(TimeSpan.FromSeconds(1));

        var (block, waited) = ProduceFromPool();

        Assert.Equal([alice.Hash, bob.Hash], block.Block.Transactions.Select(tx => tx.Hash));
        Assert.Equal([3.0, 1.0], waited);
        Assert.Equal(0, _pool.Count);
    }

    [Fact]
    public void Committed_block_drops_pending_transactions_whose_nonce_it_used_up()
    {
        var pendingFirst = Send(Alice, nonce: 0, fee: 10);
        var pendingSecond = Send(Alice, nonce: 1, fee: 10);
        var bob = Send(Bob, nonce: 1);
        AddAll(pendingFirst, pendingSecond, bob);

        // Another node's block spends Alice's nonce 0 with a different transaction.
        var competing = Send(Alice, nonce: 0, fee: 12, amount: 9);
        var proposed = _chain.Propose(competing);
        var committed = _chain.Chain.Commit(proposed, _chain.SignCommit(proposed.Block));
        var waited = _pool.OnBlockCommitted(committed, proposed.Rejected);

        Assert.Empty(waited);
        Assert.False(_pool.Contains(pendingFirst.Hash));
        Assert.True(_pool.Contains(pendingSecond.Hash));
        Assert.True(_pool.Contains(bob.Hash));
        Assert.Equal([pendingSecond.Hash], _pool.Reap(10).Select(tx => tx.Hash));
    }

    [Fact]
    public void Committed_block_drops_what_the_proposal_refused()
    {
        Use(new MempoolOptions(), GenesisBuilder.Default().WithAccount("poor", 1_000));
        var poor = Of("poor");
        var first = Tx.Transfer(poor, Alice, 600).WithNonce(0).Signed();
        var second = Tx.Transfer(poor, Alice, 600).WithNonce(1).Signed(); // each fits the balance alone, not both
        AddAll(first, second);

        var (block, _) = ProduceFromPool();

        Assert.Equal([first.Hash], block.Block.Transactions.Select(tx => tx.Hash));
        Assert.Equal(LedgerErrors.InsufficientFunds, Assert.Single(block.Rejected).Code);
        Assert.Equal(0, _pool.Count);
    }

    [Fact]
    public void Transactions_stuck_longer_than_their_time_to_live_are_dropped_at_the_next_expiry_height()
    {
        Use(new MempoolOptions { TimeToLiveBlocks = 10 });
        var stuck = Send(Alice, nonce: 1); // never runnable: nonce 0 never arrives
        _pool.Add(stuck);

        for (int i = 1; i < 64; i++)
        {
            ProduceFromPool();
        }
        Assert.True(_pool.Contains(stuck.Hash)); // expiry runs every 64 blocks

        ProduceFromPool();
        Assert.False(_pool.Contains(stuck.Hash));
    }

    // ---- Batches ----

    [Fact]
    public void Batch_refuses_exactly_the_transactions_with_bad_signatures()
    {
        // Over 64 transactions, so signatures are checked in parallel.
        var batch = Enumerable.Range(0, 100)
            .Select(n => Tx.Transfer(Alice, Bob, 1).WithNonce((ulong)n))
            .Select((tx, i) => i % 7 == 3 ? tx.SignedBy(Carol) : tx.Signed())
            .ToArray();

        var errors = _pool.AddBatch(batch);

        for (int i = 0; i < batch.Length; i++)
        {
            if (i % 7 == 3)
            {
                Assert.Equal(LedgerErrors.BadSignature, errors[i]?.Code);
                Assert.False(_pool.Contains(batch[i].Hash));
            }
            else
            {
                Assert.Null(errors[i]);
                Assert.True(_pool.Contains(batch[i].Hash));
            }
        }
        Assert.Equal(100 - 14, _pool.Count);
    }

    [Fact]
    public void Batch_reports_each_refusal_at_its_index()
    {
        var ok = Send(Alice);
        var errors = _pool.AddBatch([ok, ok, Send(Bob, fee: 0), Tx.Transfer(Carol, Carol, 1).Signed(), Send(Dave)]);

        Assert.Equal([null, LedgerErrors.Duplicate, LedgerErrors.FeeTooLow, LedgerErrors.SelfTransfer, null], errors.Select(e => e?.Code));
        Assert.Equal(2, _pool.Count);
    }

    // ---- Known defects ----

    [Fact]
    public void Refusal_for_a_full_pool_leaves_the_pool_unchanged()
    {
        int bondSize = Tx.Bond(Alice, 1).Signed().EncodedSize;
        Use(new MempoolOptions { MaxBytes = 2 * bondSize + 10 });
        var cheapBond = Tx.Bond(Alice, 1).WithFee(1).Signed();
        var dearBond = Tx.Bond(Bob, 1).WithFee(10).Signed();
        AddAll(cheapBond, dearBond);

        // A transfer is larger than a bond: making room for it takes both bonds, and the second pays more than it.
        var transfer = Send(Carol, fee: 5);
        Assert.True(transfer.EncodedSize > bondSize);
        Assert.Equal(LedgerErrors.MempoolFull, Refused(transfer).Code);

        Assert.True(_pool.Contains(cheapBond.Hash));
        Assert.True(_pool.Contains(dearBond.Hash));
    }

    [Fact]
    public void Replacing_in_a_full_pool_does_not_evict_another_sender()
    {
        Use(new MempoolOptions { MaxTransactions = 2 });
        var alice = Send(Alice, fee: 10);
        var bob = Send(Bob, fee: 5);
        AddAll(alice, bob);

        var replacement = Send(Alice, fee: 11, amount: 2);
        _pool.Add(replacement);

        Assert.True(_pool.Contains(replacement.Hash));
        Assert.True(_pool.Contains(bob.Hash));
    }

    [Fact]
    public void Transaction_larger_than_the_whole_pool_is_refused_as_full()
    {
        Use(new MempoolOptions { MaxBytes = 100 });
        Assert.Equal(LedgerErrors.MempoolFull, Refused(Send(Alice)).Code);
    }

    [Fact]
    public void Fee_and_amount_that_overflow_are_refused_as_insufficient_funds()
    {
        var overflowing = Tx.Transfer(Alice, Bob, 1).WithFee(ulong.MaxValue).Signed();
        Assert.Equal(LedgerErrors.InsufficientFunds, Refused(overflowing).Code);

        var errors = _pool.AddBatch([overflowing, Send(Bob)]);
        Assert.Equal(LedgerErrors.InsufficientFunds, errors[0]?.Code);
        Assert.Null(errors[1]);
    }
}
