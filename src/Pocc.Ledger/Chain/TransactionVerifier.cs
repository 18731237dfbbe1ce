using System.Collections.Concurrent;
using Pocc.Core.Hashing;
using Pocc.Ledger.Transactions;

namespace Pocc.Ledger.Chain;

/// <summary>
/// Checks transaction signatures on every core, and remembers which transaction ids passed so a
/// transaction verified on entry to the mempool is not verified again when its block executes.
/// The memory is bounded: two generations, the older dropped whole when the newer fills.
/// </summary>
/// <remarks>
/// The id is the hash of the whole signed encoding, signature included, so a remembered id vouches for exactly the
/// bytes that were verified; forgetting one only costs a second verification.
/// </remarks>
public sealed class TransactionVerifier
{
    private readonly int _generationSize;
    private volatile Generation _current;
    private volatile Generation _previous;
    private readonly Lock _rotateLock = new();

    public TransactionVerifier(int generationSize = 200_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(generationSize, 1);
        _generationSize = generationSize;
        _current = new Generation(generationSize);
        _previous = new Generation(generationSize);
    }

    /// <summary>How many verified ids are remembered now: never more than two generations' worth.</summary>
    public int Remembered => _current.Count + _previous.Count;

    public bool Verify(SignedTransaction tx)
    {
        var hash = tx.Hash;
        if (_current.Contains(hash) || _previous.Contains(hash))
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
        Parallel.ForEach(Partitioner.Create(0, transactions.Count, 256), range =>
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
        var current = _current;
        if (current.Add(hash) >= _generationSize)
        {
            lock (_rotateLock)
            {
                if (ReferenceEquals(_current, current))
                {
                    _previous = current;
                    _current = new Generation(_generationSize);
                }
            }
        }
    }

    /// <summary>
    /// One generation of remembered ids and its own count: <see cref="ConcurrentDictionary{TKey, TValue}.Count"/>
    /// takes every stripe's lock, and asking it on each insertion serialised all the cores verifying at once.
    /// </summary>
    private sealed class Generation(int size)
    {
        // Sized up front and striped widely: a growing dictionary takes all its locks to resize, which stalls every
        // verifying core at once.
        private readonly ConcurrentDictionary<Hash32, byte> _ids = new(concurrencyLevel: 64, capacity: size + size / 4);
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public bool Contains(Hash32 hash) => _ids.ContainsKey(hash);

        /// <summary>Adds <paramref name="hash"/> and returns the generation's size after it.</summary>
        public int Add(Hash32 hash) => _ids.TryAdd(hash, 0) ? Interlocked.Increment(ref _count) : Count;
    }
}
