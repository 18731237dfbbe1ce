using Pocc.Core.Crypto;
using Pocc.Ledger.Chain;
using Pocc.Ledger.Mempool;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Transactions;

namespace Pocc.Cli.Devnet;

/// <summary>
/// The devnet's built-in load: signed transfers between the funded accounts, submitted in batches through the
/// same admission path as the API (stateless checks, parallel signature verification, nonce and balance checks).
/// It keeps the mempool a few blocks deep rather than flooding it, or holds a target rate if one is given.
/// </summary>
public sealed class LoadGenerator
{
    private readonly Blockchain _chain;
    private readonly TransactionPool _pool;
    private readonly IReadOnlyList<KeyPair> _accounts;
    private readonly double _targetRate;
    private readonly int _maxPending;
    private readonly ulong[] _nextNonce;
    private long _submitted;
    private long _refused;

    public LoadGenerator(Blockchain chain, TransactionPool pool, IReadOnlyList<KeyPair> accounts, double targetRate, int maxPending)
    {
        _chain = chain;
        _pool = pool;
        _accounts = accounts;
        _targetRate = targetRate;
        _maxPending = maxPending;
        _nextNonce = new ulong[accounts.Count];
        for (int i = 0; i < accounts.Count; i++)
        {
            _nextNonce[i] = chain.GetAccount(accounts[i].Address).Nonce;
        }
    }

    public long Submitted => Interlocked.Read(ref _submitted);

    public long Refused => Interlocked.Read(ref _refused);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // At a target rate, small batches (about 20 a second) keep the load smooth instead of one burst every few seconds.
        int batchSize = Math.Min(_accounts.Count, _targetRate > 0 ? (int)Math.Clamp(_targetRate / 20, 1, 1_000) : 1_000);
        var random = new Random(7);
        int cursor = 0;
        var started = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                bool paced = _targetRate > 0 && Submitted + Refused >= _targetRate * started.Elapsed.TotalSeconds;
                if (_pool.Count >= _maxPending || paced)
                {
                    await Task.Delay(5, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                // Each sender appears at most once per batch, so a refused transaction never leaves a nonce gap behind it.
                var senders = new int[batchSize];
                var recipients = new int[batchSize];
                var fees = new ulong[batchSize];
                for (int i = 0; i < batchSize; i++)
                {
                    senders[i] = (cursor + i) % _accounts.Count;
                    recipients[i] = (senders[i] + 1 + random.Next(_accounts.Count - 1)) % _accounts.Count;
                    fees[i] = 1 + (ulong)random.Next(10);
                }
                cursor = (cursor + batchSize) % _accounts.Count;
                var batch = new SignedTransaction[batchSize];
                Parallel.For(0, batchSize, i =>
                {
                    var sender = _accounts[senders[i]];
                    batch[i] = new Transaction(_chain.ChainId, sender.PublicKey, _nextNonce[senders[i]], new Amount(fees[i]),
                        new Transfer(_accounts[recipients[i]].Address, new Amount(1))).Sign(sender);
                });
                var errors = _pool.AddBatch(batch);
                for (int i = 0; i < batchSize; i++)
                {
                    if (errors[i] is null)
                    {
                        _nextNonce[senders[i]]++;
                        Interlocked.Increment(ref _submitted);
                    }
                    else
                    {
                        Interlocked.Increment(ref _refused);
                        // Resynchronise with the chain; the mempool holds nothing of ours beyond what it accepted.
                        _nextNonce[senders[i]] = Math.Max(_nextNonce[senders[i]], _chain.GetAccount(_accounts[senders[i]].Address).Nonce);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
