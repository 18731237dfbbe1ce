namespace Pocc.Ledger.Transactions;

/// <summary>The payload tag in a transaction's encoding. Values are consensus: never renumber.</summary>
public enum TransactionKind : byte
{
    Transfer = 1,
    Bond = 2,
    Unbond = 3,
    RegisterWorker = 4,
    PostTask = 5,
    CommitResult = 6,
    SubmitVerdict = 7,
    AddWorkerStake = 8,
    WithdrawWorkerStake = 9,
    SubmitEvidence = 10,
    Unjail = 11,
}
