using System.Collections.Concurrent;
using Pocc.Core.Hashing;
using Pocc.Ledger.Transactions;

namespace Pocc.Ledger.Chain;

/// <summary>
/// Checks transaction signatures on every core, and remembers which transaction ids passed so a
/// transaction verified on entry to the mempool is not verified again when its block executes.
/// The memory is bounded: two generations, the older dropped whole when the newer fills.
/// </summary>
public sealed class TransactionVerifier
{
    private readonly int _generationSize;
    private ConcurrentDictionary<Hash32, byte> _current;
    private ConcurrentDictionary<Hash32, byte> _previous;
    private readonly Lock _rotateLock = new();

    public TransactionVerifier(int generationSize = 200_000)
    {
        _generationSize = generationSize;
        _current = NewGeneration();
        _previous = NewGeneration();
    }

    // Sized up front and striped widely: a growing dictionary takes all its locks to resize, which stalls every
    // verifying core at once.
    private ConcurrentDictionary<Hash32, byte> NewGeneration() => new(concurrencyLevel: 64, capacity: _generationSize + _generationSize / 4);

    public bool Verify(SignedTransaction tx)
    {
        var hash = tx.Hash;
        if (_current.ContainsKey(hash) || _previous.ContainsKey(hash))
        {
            return true;
        }
        if (!tx.VerifySignature())
        {
            return false;
        }
        Remember(hash);
        return true;
    }

    /// <summary>Verifies a batch in parallel; result[i] says whether transactions[i] is validly signed.</summary>
    public bool[] VerifyAll(IReadOnlyList<SignedTransaction> transactions)
    {
        var results = new bool[transactions.Count];
        if (transactions.Count < 64)
        {
            for (int i = 0; i < results.Length; i++)
            {
                results[i] = Verify(transactions[i]);
            }
            return results;
        }
        Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, transactions.Count, 256), range =>
        {
            for (int i = range.Item1; i < range.Item2; i++)
            {
                results[i] = Verify(transactions[i]);
            }
        });
        return results;
    }

    private void Remember(Hash32 hash)
    {
        _current.TryAdd(hash, 0);
        if (_current.Count >= _generationSize)
        {
            lock (_rotateLock)
            {
                if (_current.Count >= _generationSize)
                {
                    _previous = _current;
                    _current = NewGeneration();
                }
            }
        }
    }
}
