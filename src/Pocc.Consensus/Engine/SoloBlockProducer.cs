using Microsoft.Extensions.Logging;
using Pocc.Core.Crypto;
using Pocc.Core.Crypto.Vrf;
using Pocc.Ledger;
using Pocc.Ledger.Blocks;
using Pocc.Ledger.Chain;
using Pocc.Ledger.Mempool;

namespace Pocc.Consensus.Engine;

/// <summary>
/// One validator that holds all the voting power: every interval it takes the best pending transactions,
/// executes them, signs the commit and commits. Finality is immediate, as it will be under BFT once
/// more than two thirds of the power precommit.
/// </summary>
public sealed class SoloBlockProducer : IConsensusEngine
{
    private readonly Blockchain _chain;
    private readonly TransactionPool _pool;
    private readonly KeyPair _validatorKey;
    private readonly SoloBlockProducerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private volatile bool _producing;

    public SoloBlockProducer(Blockchain chain, TransactionPool pool, KeyPair validatorKey, SoloBlockProducerOptions options, TimeProvider time, ILogger<SoloBlockProducer> logger)
    {
        _chain = chain;
        _pool = pool;
        _validatorKey = validatorKey;
        _options = options;
        _time = time;
        _logger = logger;
    }

    public event Action<FinalizedBlock>? Finalized;

    public ConsensusStatus Status
    {
        get
        {
            var validators = _chain.GetValidatorSet();
            return new ConsensusStatus("solo", _chain.Height, validators.Count, _validatorKey.Address, _producing, _options.BlockInterval);
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var validators = _chain.GetValidatorSet();
        if (!validators.Contains(_validatorKey.Address) || validators.Count != 1)
        {
            _logger.LogWarning("Not producing blocks: the solo producer needs this node's key {Validator} to be the only validator (the set has {Count})",
                _validatorKey.Address, validators.Count);
            return;
        }
        _producing = true;
        _logger.LogInformation("Producing a block every {IntervalMs} ms as validator {Validator} from height {Height}",
            _options.BlockInterval.TotalMilliseconds, _validatorKey.Address, _chain.Height.Next);
        try
        {
            long next = _time.GetTimestamp();
            while (!cancellationToken.IsCancellationRequested)
            {
                var wait = _options.BlockInterval - _time.GetElapsedTime(next);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
                }
                next = _time.GetTimestamp();
                ProduceBlock();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            _producing = false;
        }
    }

    /// <summary>Makes, signs and commits the next block. Public so tests and tools can step the chain without timers.</summary>
    public FinalizedBlock ProduceBlock()
    {
        var candidates = _pool.Reap(_chain.Parameters.MaxBlockTransactions);
        var proposed = _chain.Propose(candidates, _validatorKey.Address, (ulong)_time.GetUtcNow().ToUnixTimeMilliseconds(),
            alpha => Ecvrf.Prove(_validatorKey, alpha));
        var header = proposed.Block.Header;
        var signature = _validatorKey.Sign(Commit.SigningBytes(_chain.ChainId, header.Height, 0, proposed.Block.Hash));
        var commit = new Commit(header.Height, 0, proposed.Block.Hash, [new CommitSignature(_validatorKey.Address, signature)]);
        var committed = _chain.Commit(proposed, commit);
        var waited = _pool.OnBlockCommitted(committed, proposed.Rejected);
        foreach (var rejected in proposed.Rejected)
        {
            _logger.LogDebug("Left {Tx} out of block {Height}: {Code}", rejected.Transaction.Hash, header.Height, rejected.Code);
        }
        var finalized = new FinalizedBlock(committed, waited, proposed.Rejected.Count);
        Finalized?.Invoke(finalized);
        return finalized;
    }
}
