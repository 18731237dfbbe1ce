namespace Pocc.Ledger.Transactions;

/// <summary>The payload tag in a transaction's encoding. Values are consensus: never renumber.</summary>
public enum TransactionKind : byte
{
    Transfer = 1,
    Bond = 2,
    Unbond = 3,
}
