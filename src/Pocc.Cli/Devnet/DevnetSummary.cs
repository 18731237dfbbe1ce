using System.Text.Json.Serialization;

namespace Pocc.Cli.Devnet;

/// <summary>What a devnet run did; printed at the end and, with --summary, written as JSON (snake_case).</summary>
public sealed record DevnetSummary
{
    /// <summary>Blocks the follower may trail the validators' common height by at the end before the run fails.</summary>
    public const ulong MaxFollowerLag = 3;

    /// <summary>What makes the run exit 0: supply conserved, no invalid result paid, state roots agree, nothing committed lost, and the follower still following.</summary>
    [JsonIgnore]
    public bool Passed => SupplyConserved && InvalidResultsSettled == 0 && StateRootsAgree && CommittedTransactionsLost == 0 && FollowerFollowing;

    [JsonPropertyName("chain_id")] public required string ChainId { get; init; }
    [JsonPropertyName("home")] public required string Home { get; init; }
    [JsonPropertyName("validators")] public int Validators { get; init; }
    [JsonPropertyName("heights")] public IReadOnlyList<ulong> Heights { get; init; } = [];
    [JsonPropertyName("common_height")] public ulong CommonHeight { get; init; }
    [JsonPropertyName("follower_behind")] public ulong FollowerBehind { get; init; }
    [JsonPropertyName("follower_following")] public bool FollowerFollowing { get; init; } = true;
    [JsonPropertyName("state_roots")] public IReadOnlyList<string> StateRoots { get; init; } = [];
    [JsonPropertyName("state_roots_agree")] public bool StateRootsAgree { get; init; }
    [JsonPropertyName("rounds_above_zero")] public int RoundsAboveZero { get; init; }
    [JsonPropertyName("restarts")] public int Restarts { get; init; }
    [JsonPropertyName("height_at_last_restart")] public ulong HeightAtLastRestart { get; init; }
    [JsonPropertyName("committed_transactions_checked")] public long CommittedTransactionsChecked { get; init; }
    [JsonPropertyName("committed_transactions_lost")] public long CommittedTransactionsLost { get; init; }
    [JsonPropertyName("accounts")] public int Accounts { get; init; }
    [JsonPropertyName("start_height")] public ulong StartHeight { get; init; }
    [JsonPropertyName("height")] public ulong Height { get; init; }
    [JsonPropertyName("blocks")] public long Blocks { get; init; }
    [JsonPropertyName("transactions")] public long Transactions { get; init; }
    [JsonPropertyName("duration_seconds")] public double DurationSeconds { get; init; }
    [JsonPropertyName("tx_per_second")] public double TxPerSecond { get; init; }
    [JsonPropertyName("finality_ms_p50")] public long? FinalityMsP50 { get; init; }
    [JsonPropertyName("finality_ms_p99")] public long? FinalityMsP99 { get; init; }
    [JsonPropertyName("submitted")] public long Submitted { get; init; }
    [JsonPropertyName("refused_at_admission")] public long RefusedAtAdmission { get; init; }
    [JsonPropertyName("rejected_at_proposal")] public long RejectedAtProposal { get; init; }
    [JsonPropertyName("pending_at_stop")] public int PendingAtStop { get; init; }
    [JsonPropertyName("state_root")] public required string StateRoot { get; init; }
    [JsonPropertyName("supply_conserved")] public bool SupplyConserved { get; init; }
    [JsonPropertyName("supply_total")] public required string SupplyTotal { get; init; }
    [JsonPropertyName("ed25519_verify_per_second")] public double Ed25519VerifyPerSecond { get; init; }
    [JsonPropertyName("tx_per_second_vs_ed25519_verify")] public double TxPerSecondVsEd25519Verify { get; init; }
    [JsonPropertyName("cores")] public int Cores { get; init; }
    [JsonPropertyName("workers")] public int Workers { get; init; }
    [JsonPropertyName("matmul_executor")] public string? MatmulExecutor { get; init; }
    [JsonPropertyName("tasks_posted")] public long TasksPosted { get; init; }
    [JsonPropertyName("tasks_settled")] public long TasksSettled { get; init; }
    [JsonPropertyName("tasks_rejected")] public long TasksRejected { get; init; }
    [JsonPropertyName("tasks_expired")] public long TasksExpired { get; init; }
    [JsonPropertyName("invalid_results_committed")] public long InvalidResultsCommitted { get; init; }
    [JsonPropertyName("invalid_results_caught")] public long InvalidResultsCaught { get; init; }
    [JsonPropertyName("invalid_results_settled")] public long InvalidResultsSettled { get; init; }
    [JsonPropertyName("honest_results_rejected")] public long HonestResultsRejected { get; init; }
    [JsonPropertyName("verified_gflop")] public double VerifiedGflop { get; init; }
    [JsonPropertyName("useful_work_fraction")] public double UsefulWorkFraction { get; init; }
    [JsonPropertyName("useful_work_fraction_with_duplicate_execution")] public double UsefulWorkFractionWithDuplicateExecution { get; init; }
    [JsonPropertyName("verify_to_compute_ratio")] public double VerifyToComputeRatio { get; init; }
    [JsonPropertyName("cpu_seconds")] public double CpuSeconds { get; init; }
}
