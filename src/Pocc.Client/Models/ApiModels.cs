namespace Pocc.Client.Models;

// The JSON shapes of the HTTP API (snake_case on the wire). Token amounts are decimal strings: they can
// exceed 2^53, which JavaScript numbers cannot hold exactly.

public sealed record SubmitTransactionRequest(string Tx);

public sealed record SubmitTransactionResponse(string Hash, string Status);

public sealed record SubmitBatchRequest(IReadOnlyList<string> Txs);

public sealed record BatchItemResult(string? Hash, bool Accepted, string? Code, string? Detail);

public sealed record SubmitBatchResponse(int Accepted, int Rejected, IReadOnlyList<BatchItemResult> Results);

public sealed record SupplyModel(string Genesis, string Minted, string Burned, string Total);

public sealed record StatusModel(
    string ChainId,
    string GenesisHash,
    ulong Height,
    string HeadHash,
    string StateRoot,
    ulong? LatestBlockTimeMs,
    string Engine,
    string? Validator,
    bool Producing,
    int Validators,
    double BlockIntervalMs,
    int MempoolSize,
    long MempoolBytes,
    int Peers,
    double TxPerSecond,
    long BlocksFinalized,
    long TransactionsFinalized,
    long? FinalityMsP50,
    long? FinalityMsP99,
    SupplyModel Supply,
    bool SupplyConserved,
    string Version)
{
    /// <summary>The round of the height being decided (BFT consensus only).</summary>
    public int? Round { get; init; }

    /// <summary>The step within that round: Propose, Prevote, Precommit or Committed (BFT consensus only).</summary>
    public string? Step { get; init; }
}

public sealed record UnbondingModel(string Amount, ulong ReleaseHeight);

public sealed record SparseProofModel(string Key, IReadOnlyList<string> Siblings, string? LeafKey, string? LeafValueHash);

public sealed record AccountModel(
    string Address,
    string Balance,
    ulong Nonce,
    string Bonded,
    IReadOnlyList<UnbondingModel> Unbonding,
    ulong Height,
    string StateRoot,
    string ValueHash,
    SparseProofModel Proof);

public sealed record TransactionModel(
    string Hash,
    string Kind,
    string ChainId,
    string Sender,
    string PublicKey,
    ulong Nonce,
    string Fee,
    string? To,
    string? Amount,
    string Signature,
    string Encoded);

public sealed record HeaderModel(
    string ChainId,
    ulong Height,
    ulong TimestampMs,
    string PreviousHash,
    string LastCommitHash,
    string TransactionsRoot,
    uint TransactionCount,
    string StateRoot,
    string Proposer,
    string BeaconProof,
    string Beacon);

public sealed record CommitSignatureModel(string Validator, string Signature);

public sealed record CommitModel(ulong Height, uint Round, string BlockHash, IReadOnlyList<CommitSignatureModel> Signatures);

public sealed record BlockModel(
    string Hash,
    HeaderModel Header,
    CommitModel? Commit,
    IReadOnlyList<string> TransactionHashes,
    IReadOnlyList<TransactionModel>? Transactions);

public sealed record MerkleProofModel(int LeafIndex, int LeafCount, IReadOnlyList<string> Siblings);

public sealed record TransactionLookupModel(
    string Hash,
    string Status,
    ulong? Height,
    int? Index,
    string? BlockHash,
    string? TransactionsRoot,
    MerkleProofModel? Proof,
    TransactionModel? Transaction);

public sealed record TaskEventModel(ulong Id, string State, string Outcome, string? Worker);

public sealed record BlockEventModel(ulong Height, string Hash, ulong TimestampMs, uint TransactionCount, string StateRoot, string Proposer, long? FinalityMsP50,
    IReadOnlyList<TaskEventModel> Tasks);

public sealed record BlobRefModel(string Root, ulong Size);

public sealed record TaskModel(
    ulong Id,
    string Requester,
    string Kind,
    string Policy,
    uint Rows,
    uint Inner,
    uint Columns,
    BlobRefModel InputA,
    BlobRefModel InputB,
    uint TolerancePpb,
    byte Rounds,
    byte Redundancy,
    uint DeadlineBlocks,
    string Fee,
    string State,
    string Outcome,
    ulong PostedHeight,
    string? Worker,
    ulong AssignedHeight,
    byte Attempts,
    BlobRefModel? Result,
    ulong CommitHeight,
    ulong ClosedHeight,
    int SoundnessBits,
    ulong ComputeUnits,
    string? ChallengeSeed);

public sealed record TaskListModel(IReadOnlyList<TaskModel> Tasks, ulong? NextBefore);

public sealed record WorkerModel(
    string Address,
    string Stake,
    IReadOnlyList<string> Capabilities,
    uint Reputation,
    uint ActiveTasks,
    ulong VerifiedComputeUnits,
    ulong TasksSettled,
    ulong TasksRejected,
    ulong DeadlinesMissed,
    string Earned,
    string Slashed,
    ulong RegisteredHeight);

/// <summary>A page of workers in address order; pass NextAfter as ?after= for the next page (null on the last).</summary>
public sealed record WorkerListModel(IReadOnlyList<WorkerModel> Workers, string? NextAfter);

public sealed record BlockSummaryModel(ulong Height, string Hash, ulong TimestampMs, uint TransactionCount, string Proposer, string StateRoot, int CommitSignatures);

public sealed record BlockListModel(IReadOnlyList<BlockSummaryModel> Blocks, ulong? NextBefore);

/// <summary>
/// A bonded validator with its activity over the recent window of blocks [FromHeight, ToHeight]: blocks it
/// proposed and commits it was expected to sign but did not.
/// </summary>
public sealed record ValidatorModel(string Address, string PublicKey, string Bonded, ulong VotingPower, double VotingShare, ulong Proposals, ulong MissedVotes);

public sealed record ValidatorListModel(ulong FromHeight, ulong ToHeight, ulong TotalVotingPower, IReadOnlyList<ValidatorModel> Validators);

/// <summary>
/// One finalized block as a point on the dashboard's time series. FinalityMs, and the market's useful-work figures as
/// they stood when the block was finalized, are null for blocks finalized before this process started (and the
/// useful-work figures also without workers in the process).
/// </summary>
public sealed record HistorySampleModel(ulong Height, ulong TimestampMs, uint TransactionCount, long? FinalityMs, ulong VerifiedComputeUnits, int TasksSettled, int TasksRejected,
    double? UsefulWorkFraction, double? UsefulWorkFractionWithDuplicateExecution);

public sealed record HistoryModel(IReadOnlyList<HistorySampleModel> Samples);

public sealed record TaskCountsModel(long Posted, long Assigned, long Committed, long Verified, long Settled, long Rejected, long Expired);

/// <summary>
/// The compute market seen from this node. Counts and verified compute come from the chain. The CPU-time figures
/// need the computing to happen in this process (a devnet, or a node run with --worker): they are null otherwise.
/// </summary>
public sealed record MarketModel(
    TaskCountsModel Tasks,
    double VerifiedGflop,
    string RewardsPaid,
    string Slashed,
    double VerificationSeconds,
    double? ComputeSeconds,
    double ProcessCpuSeconds,
    double? UsefulWorkFraction,
    double? UsefulWorkFractionWithDuplicateExecution,
    double? VerifyToComputeRatio,
    long? InvalidResultsCommitted,
    long? InvalidResultsCaught,
    long? InvalidResultsSettled,
    long? HonestResultsRejected);

/// <summary>What this node process is and hosts; the devnet fills in its load generator's figures.</summary>
public sealed record NodeInfoModel(string Version, int Cores, string Home, bool Validator, int InProcessWorkers, string? MatmulExecutor, string DashboardUrl, LoadModel? Load);

public sealed record LoadModel(ulong StartHeight, double RunningSeconds, int Accounts, double TargetRate, long Submitted, long RefusedAtAdmission, long RejectedAtProposal);
