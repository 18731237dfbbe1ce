namespace Pocc.Ledger;

/// <summary>A transaction or block the ledger refuses, with a stable <see cref="Code"/> for APIs and CLIs. Nothing was changed.</summary>
public sealed class LedgerException : Exception
{
    public LedgerException(string code, string message) : base(message) => Code = code;

    public LedgerException() : this(LedgerErrors.Invalid, "invalid") { }

    public LedgerException(string message) : this(LedgerErrors.Invalid, message) { }

    public LedgerException(string message, Exception innerException) : base(message, innerException) => Code = LedgerErrors.Invalid;

    public string Code { get; }
}

/// <summary>The stable error codes of the ledger.</summary>
public static class LedgerErrors
{
    public const string Invalid = "ledger.invalid";
    public const string WrongChainId = "tx.wrong_chain_id";
    public const string BadSignature = "tx.bad_signature";
    public const string NonceTooLow = "tx.nonce_too_low";
    public const string NonceGap = "tx.nonce_gap";
    public const string InsufficientFunds = "tx.insufficient_funds";
    public const string InsufficientStake = "tx.insufficient_stake";
    public const string FeeTooLow = "tx.fee_too_low";
    public const string ZeroAmount = "tx.zero_amount";
    public const string SelfTransfer = "tx.self_transfer";
    public const string TooManyUnbondings = "tx.too_many_unbondings";
    public const string Duplicate = "tx.duplicate";
    public const string MempoolFull = "mempool.full";
    public const string SenderQueueFull = "mempool.sender_queue_full";
    public const string FeeTooLowToReplace = "mempool.replacement_fee_too_low";
    public const string BlockInvalid = "block.invalid";
    public const string BlockWrongHeight = "block.wrong_height";
    public const string BlockWrongParent = "block.wrong_parent";
    public const string BlockWrongStateRoot = "block.wrong_state_root";
    public const string BlockBadCommit = "block.bad_commit";
    public const string BlockVerdictMismatch = "block.verdict_mismatch";
    public const string BlockBadBeacon = "block.bad_beacon";
    public const string WorkerExists = "worker.already_registered";
    public const string WorkerNotFound = "worker.not_found";
    public const string InvalidTask = "task.invalid";
    public const string TaskNotFound = "task.not_found";
    public const string TaskWrongState = "task.wrong_state";
    public const string TaskNotAssignedToSender = "task.not_assigned_to_sender";
    public const string TaskDeadlinePassed = "task.deadline_passed";
    public const string NotAValidator = "tx.not_a_validator";
    public const string VerdictMismatch = "task.verdict_mismatch";
    public const string EvidenceInvalid = "evidence.invalid";
    public const string EvidenceUnknownValidator = "evidence.unknown_validator";
    public const string EvidenceBadSignature = "evidence.bad_signature";
    public const string EvidenceFromFuture = "evidence.from_future";
    public const string EvidenceTooOld = "evidence.too_old";
    public const string EvidenceDuplicate = "evidence.duplicate";
    public const string EvidenceRecordFull = "evidence.record_full";
    public const string NotJailed = "unjail.not_jailed";
    public const string JailNotServed = "unjail.too_early";
    public const string StakeBelowMinimum = "unjail.stake_below_minimum";
}
