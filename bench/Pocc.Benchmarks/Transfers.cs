using Pocc.Core.Crypto;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Transactions;

namespace Pocc.Benchmarks;

/// <summary>Deterministic signed transfers for the benchmarks: keys come from labels, so every run measures the same bytes.</summary>
internal static class Transfers
{
    public static readonly ChainId ChainId = new("pocc-bench");

    public static KeyPair[] Keys(string prefix, int count)
    {
        var keys = new KeyPair[count];
        Parallel.For(0, count, i => keys[i] = KeyPair.FromLabel($"{prefix}-{i}"));
        return keys;
    }

    /// <summary>
    /// <paramref name="count"/> transfers, round-robin over <paramref name="senders"/>: transfer i is sent by sender
    /// i mod n with nonce <paramref name="firstNonce"/> + i / n, to the next sender. Ids are computed here, as the
    /// mempool or the block decoder would have, so that no benchmark pays for them on its first invocation only.
    /// </summary>
    public static SignedTransaction[] Sign(KeyPair[] senders, int count, ulong firstNonce = 0)
    {
        int n = senders.Length;
        if (n < 2)
        {
            throw new ArgumentException("transfers need at least two accounts", nameof(senders));
        }
        var transactions = new SignedTransaction[count];
        Parallel.For(0, count, i =>
        {
            var sender = senders[i % n];
            var to = senders[(i + 1) % n].Address;
            var tx = new Transaction(ChainId, sender.PublicKey, firstNonce + (ulong)(i / n), new Amount(1), new Transfer(to, new Amount(1)));
            transactions[i] = tx.Sign(sender);
            _ = transactions[i].Hash;
        });
        return transactions;
    }

    public static void Dispose(KeyPair[] keys)
    {
        foreach (var key in keys)
        {
            key.Dispose();
        }
    }
}
