using Pocc.Core.Addressing;
using Pocc.Core.Hashing;
using Pocc.Ledger.Chain;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Transactions;

namespace Pocc.Ledger.Mempool;

/// <summary>
/// Pending transactions: per sender ordered by nonce, across senders by fee. Every entry passed the
/// stateless checks, its signature and the sender's nonce and balance at admission. Bounded in count and bytes;
/// when full, the lowest-fee transactions (and the later nonces of their sender, which could no longer run) make room.
/// </summary>
public sealed class TransactionPool
{
    private sealed record Entry(SignedTransaction Tx, long AdmittedTimestamp, ulong AdmittedHeight, long Sequence);

    private readonly Blockchain _chain;
    private readonly MempoolOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Dictionary<Address, SortedList<ulong, Entry>> _bySender = [];
    private readonly Dictionary<Hash32, Entry> _byHash = [];
    // Eviction order: lowest fee first, newest first among equal fees.
    private readonly SortedSet<Entry> _byFee = new(Comparer<Entry>.Create(static (a, b) =>
    {
        int c = a.Tx.Transaction.Fee.CompareTo(b.Tx.Transaction.Fee);
        return c != 0 ? c : b.Sequence.CompareTo(a.Sequence);
    }));
    private long _bytes;
    private long _sequence;

    public TransactionPool(Blockchain chain, MempoolOptions options, TimeProvider time)
    {
        _chain = chain;
        _options = options;
        _time = time;
    }

    /// <summary>Raised once per transaction this pool admits (not for a duplicate or a refusal), outside the pool's lock: gossip relays these.</summary>
    public event Action<SignedTransaction>? Admitted;

    public int Count { get { lock (_lock) { return _byHash.Count; } } }

    public long Bytes { get { lock (_lock) { return _bytes; } } }

    public bool Contains(Hash32 txHash) { lock (_lock) { return _byHash.ContainsKey(txHash); } }

    /// <summary>The nonce a new transaction from <paramref name="sender"/> should use: past its account's nonce and its pending run.</summary>
    public ulong NextNonce(Address sender)
    {
        ulong next = _chain.GetAccount(sender).Nonce;
        lock (_lock)
        {
            if (_bySender.TryGetValue(sender, out var queue))
            {
                while (queue.ContainsKey(next))
                {
                    next++;
                }
            }
        }
        return next;
    }

    /// <summary>Admits one transaction or throws <see cref="LedgerException"/> saying why not; a refusal changes nothing.</summary>
    public void Add(SignedTransaction tx)
    {
        Check(tx, Room(), position: 0);
        ulong height = _chain.Height.Value;
        lock (_lock)
        {
            InsertLocked(tx, height);
        }
        Admitted?.Invoke(tx);
    }

    /// <summary>
    /// Admits many transactions on every core: each core checks a slice (signature, nonce, balance) without the pool's
    /// lock, then inserts the slice under one acquisition. Returns null for each admitted transaction, else its error.
    /// A batch larger than the room the pool has left is cut there: the transactions past it are refused as full
    /// without a signature check unless they outbid the cheapest the pool held when the batch began.
    /// </summary>
    public LedgerException?[] AddBatch(IReadOnlyList<SignedTransaction> transactions)
    {
        var errors = new LedgerException?[transactions.Count];
        if (transactions.Count == 0)
        {
            return errors;
        }
        var room = Room();
        Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, transactions.Count, 128), range =>
        {
            var admitted = new List<int>(range.Item2 - range.Item1);
            for (int i = range.Item1; i < range.Item2; i++)
            {
                try
                {
                    Check(transactions[i], room, position: i);
                    admitted.Add(i);
                }
                catch (LedgerException e)
                {
                    errors[i] = e;
                }
            }
            ulong height = _chain.Height.Value;
            lock (_lock)
            {
                foreach (int i in admitted)
                {
                    try
                    {
                        InsertLocked(transactions[i], height);
                    }
                    catch (LedgerException e)
                    {
                        errors[i] = e;
                    }
                }
            }
            if (Admitted is { } admittedHandler)
            {
                foreach (int i in admitted)
                {
                    if (errors[i] is null)
                    {
                        admittedHandler(transactions[i]);
                    }
                }
            }
        });
        return errors;
    }

    /// <summary>
    /// What a newcomer must beat to get into the pool, as of now; admission races insertion, which checks again. An
    /// empty pool has nothing to evict, so its cheapest is unbeatable.
    /// </summary>
    private readonly record struct Occupancy(int Count, long Bytes, Amount Cheapest);

    private Occupancy Room()
    {
        lock (_lock)
        {
            return new Occupancy(_byHash.Count, _bytes, _byFee.Count == 0 ? new Amount(ulong.MaxValue) : _byFee.Min!.Tx.Transaction.Fee);
        }
    }

    /// <summary>
    /// Everything that needs no pool lock: stateless rules, room in the pool, the signature, and the sender's nonce,
    /// balance and stake. Room comes before the signature: past capacity, the newcomers that could not evict anything
    /// are refused for the price of a comparison, so a node that falls behind spends no more verifying what it would
    /// refuse anyway (what <see cref="MakeRoom"/> decides under the lock, on a snapshot).
    /// </summary>
    /// <param name="position">How many transactions of its batch come before it: those may take the room first.</param>
    private void Check(SignedTransaction signed, Occupancy room, int position)
    {
        _chain.Transition.CheckStateless(signed);
        bool full = (long)room.Count + position >= _options.MaxTransactions || room.Bytes + signed.EncodedSize > _options.MaxBytes;
        // Evicting needs a strictly cheaper entry. A replacement frees its own room, but with a fee bump it also pays
        // more than the entry it replaces, so only a bump of zero lets one through at the cheapest fee.
        var fee = signed.Transaction.Fee;
        if (full && (fee < room.Cheapest || (fee == room.Cheapest && _options.ReplacementFeeBumpPercent > 0)))
        {
            throw new LedgerException(LedgerErrors.MempoolFull, $"the mempool is full and fee {fee} cannot make room in it");
        }
        if (!_chain.Verifier.Verify(signed))
        {
            throw new LedgerException(LedgerErrors.BadSignature, "signature does not verify for the sender's public key");
        }
        var tx = signed.Transaction;
        var account = _chain.GetAccount(tx.SenderAddress);
        if (tx.Nonce < account.Nonce)
        {
            throw new LedgerException(LedgerErrors.NonceTooLow, $"nonce {tx.Nonce} already used; the account's next nonce is {account.Nonce}");
        }
        if (tx.Nonce >= account.Nonce + (ulong)_options.MaxPerSender)
        {
            throw new LedgerException(LedgerErrors.NonceGap, $"nonce {tx.Nonce} is more than {_options.MaxPerSender} ahead of the account's next nonce {account.Nonce}");
        }
        State.StateTransition.RequireAffordable(account, tx);
        if (tx.Payload is Unbond unbond && account.Bonded < unbond.Amount)
        {
            throw new LedgerException(LedgerErrors.InsufficientStake, $"bonded stake {account.Bonded} is less than the {unbond.Amount} to unbond");
        }
    }

    private void InsertLocked(SignedTransaction signed, ulong height)
    {
        var tx = signed.Transaction;
        var sender = tx.SenderAddress;
        if (_byHash.ContainsKey(signed.Hash))
        {
            throw new LedgerException(LedgerErrors.Duplicate, $"transaction {signed.Hash} is already pending");
        }
        if (!_bySender.TryGetValue(sender, out var queue))
        {
            queue = [];
        }
        if (queue.TryGetValue(tx.Nonce, out var existing))
        {
            var old = existing.Tx.Transaction.Fee.Value;
            if ((UInt128)tx.Fee.Value * 100 < (UInt128)old * (100 + _options.ReplacementFeeBumpPercent))
            {
                throw new LedgerException(LedgerErrors.FeeTooLowToReplace, $"a transaction with nonce {tx.Nonce} is pending with fee {old}; a replacement must pay at least {_options.ReplacementFeeBumpPercent}% more");
            }
        }
        else if (queue.Count >= _options.MaxPerSender)
        {
            throw new LedgerException(LedgerErrors.SenderQueueFull, $"sender already has {queue.Count} pending transactions");
        }
        MakeRoom(signed, existing);
        if (existing is not null)
        {
            RemoveLocked(existing);
        }
        var entry = new Entry(signed, _time.GetTimestamp(), height, ++_sequence);
        queue[tx.Nonce] = entry;
        _bySender[sender] = queue;
        _byHash[signed.Hash] = entry;
        _byFee.Add(entry);
        _bytes += signed.EncodedSize;
    }

    /// <summary>
    /// Evicts the cheapest pending transactions (and the later nonces of their senders, which could no longer run)
    /// until <paramref name="incoming"/> fits, counting the room a replaced transaction frees. The evictions are
    /// planned first and carried out only if they make room with transactions cheaper than the newcomer, so a
    /// refused transaction changes nothing.
    /// </summary>
    private void MakeRoom(SignedTransaction incoming, Entry? replaced)
    {
        long count = _byHash.Count - (replaced is null ? 0 : 1);
        long bytes = _bytes - (replaced?.Tx.EncodedSize ?? 0);
        if (count < _options.MaxTransactions && bytes + incoming.EncodedSize <= _options.MaxBytes)
        {
            return;
        }
        if (incoming.EncodedSize > _options.MaxBytes)
        {
            throw new LedgerException(LedgerErrors.MempoolFull, $"a transaction of {incoming.EncodedSize} bytes can never fit the mempool's {_options.MaxBytes} bytes");
        }
        var evict = new HashSet<Entry>();
        foreach (var cheapest in _byFee)
        {
            if (count < _options.MaxTransactions && bytes + incoming.EncodedSize <= _options.MaxBytes)
            {
                break;
            }
            if (evict.Contains(cheapest) || cheapest == replaced)
            {
                continue;
            }
            if (cheapest.Tx.Transaction.Fee >= incoming.Transaction.Fee)
            {
                break;
            }
            var queue = _bySender[cheapest.Tx.Transaction.SenderAddress];
            for (int i = queue.Count - 1; i >= 0 && queue.Keys[i] >= cheapest.Tx.Transaction.Nonce; i--)
            {
                var entry = queue.Values[i];
                if (entry != replaced && evict.Add(entry))
                {
                    count--;
                    bytes -= entry.Tx.EncodedSize;
                }
            }
        }
        if (count >= _options.MaxTransactions || bytes + incoming.EncodedSize > _options.MaxBytes)
        {
            throw new LedgerException(LedgerErrors.MempoolFull, $"the mempool is full and no cheaper transactions than fee {incoming.Transaction.Fee} can make room");
        }
        foreach (var entry in evict)
        {
            RemoveLocked(entry);
        }
    }

    /// <summary>
    /// Up to <paramref name="maxCount"/> transactions for the next block: each sender's run of consecutive nonces from its
    /// account's next nonce, interleaved across senders by fee (highest first).
    /// </summary>
    public IReadOnlyList<SignedTransaction> Reap(int maxCount)
    {
        lock (_lock)
        {
            var result = new List<SignedTransaction>(Math.Min(maxCount, _byHash.Count));
            var ready = new PriorityQueue<(SortedList<ulong, Entry> Queue, int Index), (ulong NegFee, long Sequence)>();
            var stale = new List<Entry>();
            foreach (var (sender, queue) in _bySender)
            {
                ulong next = _chain.GetAccount(sender).Nonce;
                // Admission can race a commit and let in a nonce the commit just used; such entries could never run.
                for (int i = 0; i < queue.Count && queue.Keys[i] < next; i++)
                {
                    stale.Add(queue.Values[i]);
                }
                int index = queue.IndexOfKey(next);
                if (index >= 0)
                {
                    var head = queue.Values[index];
                    ready.Enqueue((queue, index), (ulong.MaxValue - head.Tx.Transaction.Fee.Value, head.Sequence));
                }
            }
            while (result.Count < maxCount && ready.TryDequeue(out var item, out _))
            {
                var (queue, index) = item;
                var entry = queue.Values[index];
                result.Add(entry.Tx);
                if (index + 1 < queue.Count && queue.Keys[index + 1] == entry.Tx.Transaction.Nonce + 1)
                {
                    var next = queue.Values[index + 1];
                    ready.Enqueue((queue, index + 1), (ulong.MaxValue - next.Tx.Transaction.Fee.Value, next.Sequence));
                }
            }
            foreach (var entry in stale)
            {
                RemoveLocked(entry);
            }
            return result;
        }
    }

    /// <summary>
    /// After a block commits: drops what it included, what its senders can no longer use (spent nonces), what a
    /// proposal refused, and what outlived its time to live. Returns the seconds each included pooled transaction waited.
    /// </summary>
    public IReadOnlyList<double> OnBlockCommitted(CommittedBlock committed, IReadOnlyList<RejectedTransaction> rejected)
    {
        var waited = new List<double>(committed.Block.Transactions.Count);
        long now = _time.GetTimestamp();
        lock (_lock)
        {
            var senders = new HashSet<Address>();
            foreach (var tx in committed.Block.Transactions)
            {
                if (_byHash.TryGetValue(tx.Hash, out var entry))
                {
                    waited.Add(_time.GetElapsedTime(entry.AdmittedTimestamp, now).TotalSeconds);
                    RemoveLocked(entry);
                }
                senders.Add(tx.Transaction.SenderAddress);
            }
            foreach (var reject in rejected)
            {
                if (_byHash.TryGetValue(reject.Transaction.Hash, out var entry))
                {
                    RemoveLocked(entry);
                }
            }
            foreach (var sender in senders)
            {
                if (_bySender.TryGetValue(sender, out var queue))
                {
                    ulong next = _chain.GetAccount(sender).Nonce;
                    while (queue.Count > 0 && queue.Keys[0] < next)
                    {
                        RemoveLocked(queue.Values[0]);
                    }
                }
            }
            ulong height = committed.Block.Header.Height.Value;
            if (height % 64 == 0)
            {
                ExpireLocked(height);
            }
        }
        return waited;
    }

    private void ExpireLocked(ulong height)
    {
        var expired = new List<Entry>();
        foreach (var entry in _byHash.Values)
        {
            if (height - entry.AdmittedHeight > _options.TimeToLiveBlocks)
            {
                expired.Add(entry);
            }
        }
        foreach (var entry in expired)
        {
            RemoveLocked(entry);
        }
    }

    private void RemoveLocked(Entry entry)
    {
        if (!_byHash.Remove(entry.Tx.Hash))
        {
            return;
        }
        var sender = entry.Tx.Transaction.SenderAddress;
        if (_bySender.TryGetValue(sender, out var queue))
        {
            queue.Remove(entry.Tx.Transaction.Nonce);
            if (queue.Count == 0)
            {
                _bySender.Remove(sender);
            }
        }
        _byFee.Remove(entry);
        _bytes -= entry.Tx.EncodedSize;
    }
}
