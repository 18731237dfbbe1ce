using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Pocc.Consensus.Engine;
using Pocc.Consensus.Engine.Bft;
using Pocc.Consensus.Tendermint;
using Pocc.Ledger.Mempool;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tests.Builders;
using static Pocc.Ledger.Tests.Builders.TestKeys;

namespace Pocc.Consensus.Tests.Engine;

/// <summary>
/// A one-member validator set decides each height within its own follow-ups, with no message or timer in between; the
/// engine must still let in transactions' blocks, new work and a stop request (the baseline of <c>pocc bench consensus</c>).
/// </summary>
public sealed class LoneValidatorTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_lone_validator_finalizes_its_pool_and_stops_when_asked()
    {
        using var chain = TestChain.Create();
        using var data = new TempDirectory();
        var pool = new TransactionPool(chain.Chain, new MempoolOptions(), TimeProvider.System);
        var engine = new TendermintEngine(chain.Chain, pool, new KeyPairConsensusSigner(chain.Proposer), InMemoryConsensusNetwork.Create(1)[0],
            new TendermintEngineOptions { DataDirectory = data.Path }, TimeProvider.System, NullLogger<TendermintEngine>.Instance);
        var finalized = Channel.CreateUnbounded<FinalizedBlock>();
        engine.Finalized += block => finalized.Writer.TryWrite(block);
        using var stop = new CancellationTokenSource();
        var running = Task.Run(() => engine.RunAsync(stop.Token));

        // Added while the engine runs: it must come back to its inbox between heights for the pool to be reaped anew.
        await finalized.Reader.ReadAsync().AsTask().WaitAsync(Patience);
        var transfer = Tx.Transfer(Alice, Bob, 42).Signed();
        pool.Add(transfer);
        using var timeout = new CancellationTokenSource(Patience);
        while (chain.Chain.FindTransaction(transfer.Hash) is null)
        {
            await finalized.Reader.ReadAsync(timeout.Token);
        }

        await stop.CancelAsync();
        await running.WaitAsync(Patience);
        Assert.True(chain.Chain.Height > new Height(1));
    }
}
