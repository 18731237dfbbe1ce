using Pocc.Core.Hashing;

namespace Pocc.Client;

/// <summary>
/// A transaction the node had accepted is now neither pending nor finalized: it was refused when it came to be
/// executed (for example its nonce was taken by another transaction, or the balance no longer covered it).
/// </summary>
public sealed class PoccTransactionDroppedException : PoccClientException
{
    /// <summary>Transaction <paramref name="transactionHash"/> was dropped, as <paramref name="message"/> explains.</summary>
    public PoccTransactionDroppedException(Hash32 transactionHash, string message) : base(message) => TransactionHash = transactionHash;

    public PoccTransactionDroppedException() : this(default, "the transaction was dropped by the node") { }

    public PoccTransactionDroppedException(string message) : this(default, message) { }

    public PoccTransactionDroppedException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>The id of the dropped transaction.</summary>
    public Hash32 TransactionHash { get; }
}
