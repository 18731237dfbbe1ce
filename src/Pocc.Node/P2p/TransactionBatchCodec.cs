using Pocc.Core.Encoding;
using Pocc.Ledger.Transactions;

namespace Pocc.Node.P2p;

/// <summary>
/// The wire form of transaction gossip (message type 20): version byte, u32 count (1 to <see cref="MaxTransactions"/>),
/// then each transaction's canonical encoding, u32-length-prefixed and at most <see cref="SignedTransaction.MaxEncodedSize"/>.
/// </summary>
public static class TransactionBatchCodec
{
    public const byte MessageType = 0x14;
    public const byte Version = 1;
    public const int MaxTransactions = 256;

    /// <summary>The largest valid payload: the transport's frame limit for <see cref="MessageType"/>.</summary>
    public const int MaxPayload = 1 + 4 + MaxTransactions * (4 + SignedTransaction.MaxEncodedSize);

    public static byte[] Encode(IReadOnlyList<SignedTransaction> transactions)
    {
        if (transactions.Count is < 1 or > MaxTransactions)
        {
            throw new ArgumentOutOfRangeException(nameof(transactions), transactions.Count, $"a batch holds 1 to {MaxTransactions} transactions");
        }
        var writer = new CanonicalWriter(1 + 4 + transactions.Sum(tx => 4 + tx.EncodedSize));
        writer.WriteU8(Version);
        writer.WriteU32((uint)transactions.Count);
        foreach (var tx in transactions)
        {
            writer.WriteBytes(tx.Encoded);
        }
        return writer.ToArray();
    }

    /// <summary>Decodes a batch; throws <see cref="CodecException"/> for anything not canonical or over a limit.</summary>
    public static IReadOnlyList<SignedTransaction> Decode(ReadOnlySpan<byte> payload)
    {
        if (payload.Length > MaxPayload)
        {
            throw new CodecException(CodecException.TooLarge, $"a transaction batch is at most {MaxPayload} bytes, not {payload.Length}");
        }
        var reader = new CanonicalReader(payload);
        reader.ReadVersion(Version, "transaction batch");
        uint count = reader.ReadU32();
        if (count is < 1 or > MaxTransactions)
        {
            throw new CodecException(CodecException.InvalidValue, $"a transaction batch holds 1 to {MaxTransactions} transactions, not {count}");
        }
        var transactions = new SignedTransaction[count];
        for (int i = 0; i < transactions.Length; i++)
        {
            transactions[i] = SignedTransaction.Decode(reader.ReadBytes(SignedTransaction.MaxEncodedSize));
        }
        reader.EnsureEnd();
        return transactions;
    }
}
