using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Pocc.Consensus.Engine;
using Pocc.Core.Crypto;
using Pocc.Ledger;
using Pocc.Ledger.Mempool;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tests.Builders;
using static Pocc.Ledger.Tests.Builders.TestKeys;

namespace Pocc.Consensus.Tests.Engine;

public sealed class SoloBlockProducerTests : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    // Only a guard against a hung test; nothing waits on it when the code works.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly ObservedTimeProvider _time = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly TestChain _chain;
    private readonly TransactionPool _pool;
    private readonly Channel<FinalizedBlock> _finalized = Channel.CreateUnbounded<FinalizedBlock>();

    public SoloBlockProducerTests() : this(GenesisBuilder.Default()) { }

    private SoloBlockProducerTests(GenesisBuilder genesis)
    {
        _chain = TestChain.Create(genesis);
        _pool = new TransactionPool(_chain.Chain, new MempoolOptions(), _time);
    }

    public void Dispose() => _chain.Dispose();

    private SoloBlockProducer Producer(KeyPair? key = null, TransactionPool? pool = null, TestChain? chain = null)
    {
        var producer = new SoloBlockProducer((chain ?? _chain).Chain, pool ?? _pool, key ?? ValidatorKey,
            new SoloBlockProducerOptions { BlockInterval = Interval }, _time, NullLogger<SoloBlockProducer>.Instance);
        producer.Finalized += block => _finalized.Writer.TryWrite(block);
        return producer;
    }

    private async Task<FinalizedBlock> NextFinalized()
    {
        using var timeout = new CancellationTokenSource(Patience);
        return await _finalized.Reader.ReadAsync(timeout.Token);
    }

    [Fact]
    public void ProduceBlock_makes_consecutive_blocks_each_linked_to_the_last()
    {
        var producer = Producer();
        var blocks = Enumerable.Range(0, 3).Select(_ => producer.ProduceBlock().Committed.Block).ToList();

        Assert.Equal([1UL, 2UL, 3UL], blocks.Select(b => b.Header.Height.Value));
        Assert.Equal(_chain.Chain.GenesisHash, blocks[0].Header.PreviousHash);
        Assert.Equal(blocks[0].Hash, blocks[1].Header.PreviousHash);
        Assert.Equal(blocks[1].Hash, blocks[2].Header.PreviousHash);
        Assert.Equal(blocks[2].Hash, _chain.Chain.HeadHash);
        Assert.All(blocks, b => Assert.Equal(ValidatorKey.Address, b.Header.Proposer));
    }

    [Fact]
    public void ProduceBlock_signs_a_commit_that_a_replica_accepts()
    {
        var producer = Producer();
        _pool.Add(Tx.Transfer(Alice, Bob, 5).Signed());
        var committed = producer.ProduceBlock().Committed;

        using var replica = _chain.Replica();
        replica.Chain.Apply(committed.Block, committed.Commit);

        Assert.Equal(_chain.Chain.StateRoot, replica.Chain.StateRoot);
        Assert.Equal(ValidatorKey.Address, Assert.Single(committed.Commit.Signatures).Validator);
    }

    [Fact]
    public void ProduceBlock_includes_pending_transactions_and_empties_the_pool()
    {
        var producer = Producer();
        var txs = new[] { Tx.Transfer(Alice, Bob, 5).Signed(), Tx.Transfer(Alice, Carol, 6).WithNonce(1).Signed(), Tx.Bond(Dave, 7).Signed() };
        foreach (var tx in txs)
        {
            _pool.Add(tx);
        }

        var finalized = producer.ProduceBlock();

        Assert.Equal(txs.Select(tx => tx.Hash).Order(), finalized.Committed.Block.Transactions.Select(tx => tx.Hash).Order());
        Assert.Equal(0, finalized.Rejected);
        Assert.Equal(0, _pool.Count);
        Assert.Equal(GenesisBuilder.DefaultBalance + 5, _chain.Chain.GetAccount(Bob.Address).Balance.Value);
        Assert.Equal(7UL, _chain.Chain.GetAccount(Dave.Address).Bonded.Value);
    }

    [Fact]
    public void ProduceBlock_counts_and_drops_transactions_the_block_refused()
    {
        using var chain = TestChain.Create(GenesisBuilder.Default().WithAccount("poor", 1_000));
        var pool = new TransactionPool(chain.Chain, new MempoolOptions(), _time);
        var producer = Producer(pool: pool, chain: chain);
        pool.Add(Tx.Transfer(Of("poor"), Alice, 600).WithNonce(0).Signed());
        pool.Add(Tx.Transfer(Of("poor"), Alice, 600).WithNonce(1).Signed()); // admitted alone, unaffordable after the first

        var finalized = producer.ProduceBlock();

        Assert.Single(finalized.Committed.Block.Transactions);
        Assert.Equal(1, finalized.Rejected);
        Assert.Equal(0, pool.Count);
    }

    [Fact]
    public async Task Finalized_reports_each_transactions_latency_on_the_fake_clock()
    {
        var producer = Producer();
        _pool.Add(Tx.Transfer(Alice, Bob, 1).WithFee(20).Signed());
        _time.Advance(TimeSpan.FromMilliseconds(1_000));
        _pool.Add(Tx.Transfer(Bob, Alice, 1).WithFee(10).Signed());
        _time.Advance(TimeSpan.FromMilliseconds(250));

        var returned = producer.ProduceBlock();
        var raised = await NextFinalized();

        Assert.Same(returned, raised);
        Assert.Equal([1.25, 0.25], raised.FinalitySeconds);
        Assert.Equal((ulong)_time.GetUtcNow().ToUnixTimeMilliseconds(), raised.Committed.Block.Header.TimestampMs);
        Assert.False(_finalized.Reader.TryRead(out _));
    }

    [Fact]
    public void Block_timestamps_never_go_backwards_when_the_clock_does()
    {
        var producer = Producer();
        var first = producer.ProduceBlock().Committed.Block.Header.TimestampMs;
        _time.AdjustTime(_time.GetUtcNow() - TimeSpan.FromMinutes(5));

        var second = producer.ProduceBlock().Committed.Block.Header.TimestampMs;

        Assert.Equal(first, second);
    }

    [Fact]
    public async Task RunAsync_produces_one_block_per_interval_and_stops_when_cancelled()
    {
        var producer = Producer();
        using var stop = new CancellationTokenSource();
        var running = producer.RunAsync(stop.Token);
        Assert.True(producer.Status.Producing);

        for (ulong height = 1; height <= 3; height++)
        {
            // The producer is parked on a timer for one interval; advancing before it is would race its timer's creation.
            Assert.Equal(Interval, await _time.NextTimerAsync(Patience));
            _time.Advance(Interval - TimeSpan.FromMilliseconds(1));
            Assert.Equal(height - 1, _chain.Chain.Height.Value);
            Assert.False(_finalized.Reader.TryRead(out _));

            _time.Advance(TimeSpan.FromMilliseconds(1));
            var block = await NextFinalized();
            Assert.Equal(height, block.Committed.Block.Header.Height.Value);
        }

        Assert.Equal(Interval, await _time.NextTimerAsync(Patience));
        await stop.CancelAsync();
        await running.WaitAsync(Patience);
        Assert.False(producer.Status.Producing);

        _time.Advance(Interval * 10);
        Assert.Equal(3UL, _chain.Chain.Height.Value);
        Assert.False(_finalized.Reader.TryRead(out _));
        Assert.False(_time.TimerCreated);
    }

    [Fact]
    public async Task RunAsync_includes_transactions_that_arrive_between_blocks()
    {
        var producer = Producer();
        using var stop = new CancellationTokenSource();
        var running = producer.RunAsync(stop.Token);
        Assert.Equal(Interval, await _time.NextTimerAsync(Patience));

        var tx = Tx.Transfer(Alice, Bob, 3).Signed();
        _pool.Add(tx);
        _time.Advance(Interval);
        var block = await NextFinalized();

        Assert.Equal(tx.Hash, Assert.Single(block.Committed.Block.Transactions).Hash);
        Assert.Equal([Interval.TotalSeconds], block.FinalitySeconds);

        await _time.NextTimerAsync(Patience);
        await stop.CancelAsync();
        await running.WaitAsync(Patience);
    }

    [Fact]
    public async Task Node_whose_key_is_not_a_validator_does_not_produce()
    {
        var producer = Producer(key: Alice);

        var running = producer.RunAsync(CancellationToken.None);
        await running.WaitAsync(Patience);
        _time.Advance(Interval * 10);

        Assert.False(_time.TimerCreated);
        Assert.Equal(Height.Genesis, _chain.Chain.Height);
        Assert.False(producer.Status.Producing);
        Assert.False(_finalized.Reader.TryRead(out _));
    }

    [Fact]
    public async Task Node_that_is_one_of_several_validators_does_not_produce()
    {
        using var chain = TestChain.Create(GenesisBuilder.Default().WithValidator("second", GenesisBuilder.DefaultValidatorStake));
        var producer = Producer(pool: new TransactionPool(chain.Chain, new MempoolOptions(), _time), chain: chain);

        await producer.RunAsync(CancellationToken.None).WaitAsync(Patience);
        _time.Advance(Interval * 10);

        Assert.Equal(Height.Genesis, chain.Chain.Height);
        Assert.Equal(2, producer.Status.Validators);
        // Its signature alone is half the power: stepping the chain by hand fails too.
        Assert.Equal(LedgerErrors.BlockBadCommit, Assert.Throws<LedgerException>(() => producer.ProduceBlock()).Code);
        Assert.Equal(Height.Genesis, chain.Chain.Height);
    }

    [Fact]
    public void Status_describes_the_solo_engine()
    {
        var producer = Producer();
        producer.ProduceBlock();

        var status = producer.Status;

        Assert.Equal("solo", status.Engine);
        Assert.Equal(new Height(1), status.Height);
        Assert.Equal(1, status.Validators);
        Assert.Equal(ValidatorKey.Address, status.LocalValidator);
        Assert.False(status.Producing);
        Assert.Equal(Interval, status.BlockInterval);
    }
}
