using System.Text.Json;
using System.Text.Json.Serialization;
using Pocc.Core.Addressing;
using Pocc.Core.Crypto;
using Pocc.Core.Encoding;
using Pocc.Core.Hashing;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.State;

namespace Pocc.Ledger.Genesis;

/// <summary>
/// The genesis file: chain id, parameters, funded accounts and the initial validators (whose accounts
/// start with bonded stake). Its <see cref="Hash"/> is the parent hash of block 1, so nodes with different
/// genesis files can never agree on a block.
/// </summary>
public sealed record GenesisDocument
{
    [JsonPropertyName("chain_id")] public required string ChainId { get; init; }

    [JsonPropertyName("genesis_time_ms")] public ulong GenesisTimeMs { get; init; }

    [JsonPropertyName("parameters")] public GenesisParameters Parameters { get; init; } = new();

    [JsonPropertyName("accounts")] public IReadOnlyList<GenesisAccount> Accounts { get; init; } = [];

    [JsonPropertyName("validators")] public IReadOnlyList<GenesisValidator> Validators { get; init; } = [];

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, AllowTrailingCommas = false, ReadCommentHandling = JsonCommentHandling.Skip };

    public static GenesisDocument Load(string path)
    {
        GenesisDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<GenesisDocument>(File.ReadAllBytes(path), JsonOptions);
        }
        catch (JsonException e)
        {
            throw new FormatException($"genesis file {path} is not valid: {e.Message}", e);
        }
        if (document is null)
        {
            throw new FormatException($"genesis file {path} is empty");
        }
        document.Validate();
        return document;
    }

    public void Save(string path) => File.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(this, JsonOptions));

    public ChainId GetChainId() => new(ChainId);

    public ChainParameters GetParameters() => Parameters.ToChainParameters();

    /// <summary>Refuses a genesis that would make a broken chain: bad ids, duplicate accounts, a supply that overflows, no validator.</summary>
    public void Validate()
    {
        if (!Primitives.ChainId.IsValid(ChainId))
        {
            throw new FormatException($"genesis chain_id '{ChainId}' must be 1-{Primitives.ChainId.MaxLength} characters of a-z, 0-9 and '-'");
        }
        GetParameters().Validate();
        if (Validators.Count == 0)
        {
            throw new FormatException("genesis needs at least one validator");
        }
        _ = BuildState();
    }

    /// <summary>The state at height 0.</summary>
    public LedgerState BuildState()
    {
        var accounts = new Dictionary<Address, Account>();
        var validators = new Dictionary<Address, Validator>();
        UInt128 supply = 0;
        foreach (var entry in Accounts)
        {
            if (!Address.TryParse(entry.Address, out var address))
            {
                throw new FormatException($"genesis account address '{entry.Address}' is not a valid pocc address");
            }
            if (!accounts.TryAdd(address, new Account(new Amount(entry.Balance), 0, new Amount(entry.Bonded), [])))
            {
                throw new FormatException($"genesis lists account {address} twice");
            }
            supply += (UInt128)entry.Balance + entry.Bonded;
        }
        foreach (var entry in Validators)
        {
            PublicKey key;
            try
            {
                key = PublicKey.Parse(entry.PublicKey);
            }
            catch (FormatException)
            {
                throw new FormatException($"genesis validator public key '{entry.PublicKey}' is not 64 hex characters");
            }
            var address = key.Address;
            if (!validators.TryAdd(address, new Validator(key, Jailed: false)))
            {
                throw new FormatException($"genesis lists validator {address} twice");
            }
            if (entry.Bonded == 0)
            {
                throw new FormatException($"genesis validator {address} needs bonded stake");
            }
            var account = accounts.GetValueOrDefault(address, Account.Empty);
            accounts[address] = account with { Bonded = account.Bonded + new Amount(entry.Bonded) };
            supply += entry.Bonded;
        }
        if (supply > ulong.MaxValue / 2)
        {
            throw new FormatException("genesis supply is too large; it must leave room for rewards");
        }
        return LedgerState.Create(accounts, validators, new SupplyLedger(new Amount((ulong)supply), Amount.Zero, Amount.Zero));
    }

    /// <summary>BLAKE3 of the canonical encoding of everything in the file.</summary>
    public Hash32 Hash
    {
        get
        {
            var writer = new CanonicalWriter(1024);
            writer.WriteU8(1);
            writer.WriteString(ChainId);
            writer.WriteU64(GenesisTimeMs);
            GetParameters().Write(ref writer);
            writer.WriteLength(Accounts.Count);
            foreach (var account in Accounts)
            {
                writer.WriteString(account.Address);
                writer.WriteU64(account.Balance);
                writer.WriteU64(account.Bonded);
            }
            writer.WriteLength(Validators.Count);
            foreach (var validator in Validators)
            {
                writer.WriteString(validator.PublicKey);
                writer.WriteU64(validator.Bonded);
            }
            return Blake3Hash.Of(writer.WrittenSpan);
        }
    }
}

/// <summary>A funded account in the genesis file.</summary>
public sealed record GenesisAccount(
    [property: JsonPropertyName("address")] string Address,
    [property: JsonPropertyName("balance")] ulong Balance,
    [property: JsonPropertyName("bonded")] ulong Bonded = 0);

/// <summary>An initial validator: its Ed25519 public key (hex) and the stake bonded to it.</summary>
public sealed record GenesisValidator(
    [property: JsonPropertyName("public_key")] string PublicKey,
    [property: JsonPropertyName("bonded")] ulong Bonded);

/// <summary>The JSON form of <see cref="ChainParameters"/>; omitted fields take the defaults.</summary>
public sealed record GenesisParameters
{
    private static readonly ChainParameters Defaults = new();

    [JsonPropertyName("block_reward")] public ulong BlockReward { get; init; } = Defaults.BlockReward.Value;
    [JsonPropertyName("fee_burn_basis_points")] public ulong FeeBurnBasisPoints { get; init; } = Defaults.FeeBurnBasisPoints;
    [JsonPropertyName("minimum_fee")] public ulong MinimumFee { get; init; } = Defaults.MinimumFee.Value;
    [JsonPropertyName("unbonding_period_blocks")] public ulong UnbondingPeriodBlocks { get; init; } = Defaults.UnbondingPeriodBlocks;
    [JsonPropertyName("max_block_transactions")] public int MaxBlockTransactions { get; init; } = Defaults.MaxBlockTransactions;
    [JsonPropertyName("max_block_bytes")] public int MaxBlockBytes { get; init; } = Defaults.MaxBlockBytes;
    [JsonPropertyName("minimum_worker_stake")] public ulong MinimumWorkerStake { get; init; } = Defaults.MinimumWorkerStake.Value;
    [JsonPropertyName("minimum_task_fee")] public ulong MinimumTaskFee { get; init; } = Defaults.MinimumTaskFee.Value;
    [JsonPropertyName("verification_fee_basis_points")] public ulong VerificationFeeBasisPoints { get; init; } = Defaults.VerificationFeeBasisPoints;
    [JsonPropertyName("worker_reward_basis_points")] public ulong WorkerRewardBasisPoints { get; init; } = Defaults.WorkerRewardBasisPoints;
    [JsonPropertyName("slash_basis_points")] public ulong SlashBasisPoints { get; init; } = Defaults.SlashBasisPoints;
    [JsonPropertyName("lateness_penalty_basis_points")] public ulong LatenessPenaltyBasisPoints { get; init; } = Defaults.LatenessPenaltyBasisPoints;
    [JsonPropertyName("max_task_attempts")] public byte MaxTaskAttempts { get; init; } = Defaults.MaxTaskAttempts;
    [JsonPropertyName("max_active_tasks_per_worker")] public uint MaxActiveTasksPerWorker { get; init; } = Defaults.MaxActiveTasksPerWorker;
    [JsonPropertyName("unassigned_task_timeout_blocks")] public ulong UnassignedTaskTimeoutBlocks { get; init; } = Defaults.UnassignedTaskTimeoutBlocks;
    [JsonPropertyName("verdict_timeout_blocks")] public ulong VerdictTimeoutBlocks { get; init; } = Defaults.VerdictTimeoutBlocks;
    [JsonPropertyName("evidence_max_age_blocks")] public ulong EvidenceMaxAgeBlocks { get; init; } = Defaults.EvidenceMaxAgeBlocks;
    [JsonPropertyName("equivocation_slash_basis_points")] public ulong EquivocationSlashBasisPoints { get; init; } = Defaults.EquivocationSlashBasisPoints;
    [JsonPropertyName("evidence_reward_basis_points")] public ulong EvidenceRewardBasisPoints { get; init; } = Defaults.EvidenceRewardBasisPoints;
    [JsonPropertyName("epoch_length_blocks")] public ulong EpochLengthBlocks { get; init; } = Defaults.EpochLengthBlocks;
    [JsonPropertyName("compute_units_per_power")] public ulong ComputeUnitsPerPower { get; init; } = Defaults.ComputeUnitsPerPower;
    [JsonPropertyName("compute_power_cap_basis_points")] public ulong ComputePowerCapBasisPoints { get; init; } = Defaults.ComputePowerCapBasisPoints;
    [JsonPropertyName("max_validators")] public uint MaxValidators { get; init; } = Defaults.MaxValidators;
    [JsonPropertyName("jail_blocks")] public ulong JailBlocks { get; init; } = Defaults.JailBlocks;
    [JsonPropertyName("minimum_validator_stake")] public ulong MinimumValidatorStake { get; init; } = Defaults.MinimumValidatorStake.Value;

    public ChainParameters ToChainParameters() => new()
    {
        BlockReward = new Amount(BlockReward),
        FeeBurnBasisPoints = FeeBurnBasisPoints,
        MinimumFee = new Amount(MinimumFee),
        UnbondingPeriodBlocks = UnbondingPeriodBlocks,
        MaxBlockTransactions = MaxBlockTransactions,
        MaxBlockBytes = MaxBlockBytes,
        MinimumWorkerStake = new Amount(MinimumWorkerStake),
        MinimumTaskFee = new Amount(MinimumTaskFee),
        VerificationFeeBasisPoints = VerificationFeeBasisPoints,
        WorkerRewardBasisPoints = WorkerRewardBasisPoints,
        SlashBasisPoints = SlashBasisPoints,
        LatenessPenaltyBasisPoints = LatenessPenaltyBasisPoints,
        MaxTaskAttempts = MaxTaskAttempts,
        MaxActiveTasksPerWorker = MaxActiveTasksPerWorker,
        UnassignedTaskTimeoutBlocks = UnassignedTaskTimeoutBlocks,
        VerdictTimeoutBlocks = VerdictTimeoutBlocks,
        EvidenceMaxAgeBlocks = EvidenceMaxAgeBlocks,
        EquivocationSlashBasisPoints = EquivocationSlashBasisPoints,
        EvidenceRewardBasisPoints = EvidenceRewardBasisPoints,
        EpochLengthBlocks = EpochLengthBlocks,
        ComputeUnitsPerPower = ComputeUnitsPerPower,
        ComputePowerCapBasisPoints = ComputePowerCapBasisPoints,
        MaxValidators = MaxValidators,
        JailBlocks = JailBlocks,
        MinimumValidatorStake = new Amount(MinimumValidatorStake),
    };
}
