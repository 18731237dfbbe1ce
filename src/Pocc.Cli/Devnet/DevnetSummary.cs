using System.Text.Json.Serialization;

namespace Pocc.Cli.Devnet;

/// <summary>What a devnet run did; printed at the end and, with --summary, written as JSON (snake_case).</summary>
public sealed record DevnetSummary
{
    [JsonPropertyName("chain_id")] public required string ChainId { get; init; }
    [JsonPropertyName("home")] public required string Home { get; init; }
    [JsonPropertyName("validators")] public int Validators { get; init; }
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
}
