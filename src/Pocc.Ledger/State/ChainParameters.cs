using Pocc.Core.Encoding;
using Pocc.Ledger.Primitives;

namespace Pocc.Ledger.State;

/// <summary>The chain's economic and size rules, fixed at genesis and committed to by the genesis hash.</summary>
public sealed record ChainParameters
{
    public const byte Version = 2;
    private const ulong BasisPointsPerWhole = 10_000;

    /// <summary>Newly minted tokens paid to the proposer of every block.</summary>
    public Amount BlockReward { get; init; } = new(1_000_000);

    /// <summary>The share of every fee that is burned, in basis points (1/10,000); the rest goes to the proposer.</summary>
    public ulong FeeBurnBasisPoints { get; init; } = 5_000;

    /// <summary>The lowest fee a transaction may pay.</summary>
    public Amount MinimumFee { get; init; } = new(1);

    /// <summary>Blocks between an unbond and the stake returning to the balance.</summary>
    public ulong UnbondingPeriodBlocks { get; init; } = 100;

    public int MaxBlockTransactions { get; init; } = 20_000;

    public int MaxBlockBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>The least identity stake a worker must lock to register (and keep, to be assigned work).</summary>
    public Amount MinimumWorkerStake { get; init; } = new(1_000_000);

    /// <summary>The lowest fee a compute task may offer.</summary>
    public Amount MinimumTaskFee { get; init; } = new(1_000);

    /// <summary>The verifying proposer's share of a settled task's fee, in basis points.</summary>
    public ulong VerificationFeeBasisPoints { get; init; } = 500;

    /// <summary>The share of a block's reward paid to the workers whose results settled in it (by compute units), in basis points.</summary>
    public ulong WorkerRewardBasisPoints { get; init; } = 5_000;

    /// <summary>The share of a worker's stake burned for a proven-wrong result, in basis points.</summary>
    public ulong SlashBasisPoints { get; init; } = 5_000;

    /// <summary>The share of a worker's stake burned for a missed deadline or an unavailable result, in basis points.</summary>
    public ulong LatenessPenaltyBasisPoints { get; init; } = 100;

    /// <summary>Assignments a task gets before a run of missed deadlines expires it (fee refunded).</summary>
    public byte MaxTaskAttempts { get; init; } = 3;

    /// <summary>Tasks one worker may hold at once.</summary>
    public uint MaxActiveTasksPerWorker { get; init; } = 4;

    /// <summary>Blocks a posted task may wait for a capable worker before it expires and its fee is refunded.</summary>
    public ulong UnassignedTaskTimeoutBlocks { get; init; } = 1_000;

    /// <summary>Blocks a committed result may wait for a verdict before the task expires unverified (fee refunded, no penalty).</summary>
    public ulong VerdictTimeoutBlocks { get; init; } = 200;

    /// <summary>Blocks after a vote during which evidence of its equivocation is accepted.</summary>
    public ulong EvidenceMaxAgeBlocks { get; init; } = 50;

    /// <summary>The share of an equivocating validator's bonded (and since-unbonded) stake that evidence slashes, in basis points.</summary>
    public ulong EquivocationSlashBasisPoints { get; init; } = 500;

    /// <summary>The share of the slashed amount paid to whoever submits the evidence, in basis points; the rest is burned.</summary>
    public ulong EvidenceRewardBasisPoints { get; init; } = 1_000;

    /// <summary>Blocks per epoch: the compute part of voting power is recomputed at the end of every epoch.</summary>
    public ulong EpochLengthBlocks { get; init; } = 100;

    /// <summary>Verified compute units (2·m·k·n for a product) worth one unit of voting power.</summary>
    public ulong ComputeUnitsPerPower { get; init; } = 1_000;

    /// <summary>The most voting power compute may add, as a share of the validator's stake-based power, in basis points (at most 10,000).</summary>
    public ulong ComputePowerCapBasisPoints { get; init; } = 5_000;

    /// <summary>
    /// The committee size: when more bonded, unjailed validators exist at an epoch boundary, the beacon draws this many
    /// of them, weighted by stake, to be the validator set for the next epoch (see <see cref="Consensus.Committee"/>).
    /// </summary>
    public uint MaxValidators { get; init; } = 100;

    /// <summary>The least bonded stake that makes a validator a member of the set (and lets a jailed one unjail).</summary>
    public Amount MinimumValidatorStake { get; init; } = new(1);

    /// <summary>Blocks a jailed validator must wait, from the block that jailed it, before an unjail transaction frees it.</summary>
    public ulong JailBlocks { get; init; } = 100;

    public Amount FeeBurn(Amount fees) => fees.MulDiv(FeeBurnBasisPoints, BasisPointsPerWhole);

    /// <summary>Rules that make a chain unusable are refused when the genesis is loaded, not discovered later.</summary>
    public void Validate()
    {
        if (FeeBurnBasisPoints > BasisPointsPerWhole)
        {
            throw new FormatException($"fee_burn_basis_points must be at most {BasisPointsPerWhole}");
        }
        if (MaxBlockTransactions is < 1 or > 100_000)
        {
            throw new FormatException("max_block_transactions must be between 1 and 100000");
        }
        if (MaxBlockBytes is < 4096 or > 64 * 1024 * 1024)
        {
            throw new FormatException("max_block_bytes must be between 4 KiB and 64 MiB");
        }
        if (UnbondingPeriodBlocks == 0)
        {
            throw new FormatException("unbonding_period_blocks must be at least 1");
        }
        if (VerificationFeeBasisPoints > BasisPointsPerWhole || WorkerRewardBasisPoints > BasisPointsPerWhole
            || SlashBasisPoints > BasisPointsPerWhole || LatenessPenaltyBasisPoints > BasisPointsPerWhole
            || EquivocationSlashBasisPoints > BasisPointsPerWhole || EvidenceRewardBasisPoints > BasisPointsPerWhole
            || ComputePowerCapBasisPoints > BasisPointsPerWhole)
        {
            throw new FormatException($"basis-point parameters must be at most {BasisPointsPerWhole}");
        }
        if (MaxTaskAttempts == 0 || MaxActiveTasksPerWorker == 0 || UnassignedTaskTimeoutBlocks == 0 || VerdictTimeoutBlocks == 0)
        {
            throw new FormatException("max_task_attempts, max_active_tasks_per_worker, unassigned_task_timeout_blocks and verdict_timeout_blocks must be at least 1");
        }
        if (EvidenceMaxAgeBlocks == 0 || EpochLengthBlocks == 0 || ComputeUnitsPerPower == 0 || MaxValidators == 0 || MinimumValidatorStake == Amount.Zero)
        {
            throw new FormatException("evidence_max_age_blocks, epoch_length_blocks, compute_units_per_power, max_validators and minimum_validator_stake must be at least 1");
        }
    }

    public void Write(ref CanonicalWriter writer)
    {
        writer.WriteU8(Version);
        writer.WriteU64(BlockReward.Value);
        writer.WriteU64(FeeBurnBasisPoints);
        writer.WriteU64(MinimumFee.Value);
        writer.WriteU64(UnbondingPeriodBlocks);
        writer.WriteU32((uint)MaxBlockTransactions);
        writer.WriteU32((uint)MaxBlockBytes);
        writer.WriteU64(MinimumWorkerStake.Value);
        writer.WriteU64(MinimumTaskFee.Value);
        writer.WriteU64(VerificationFeeBasisPoints);
        writer.WriteU64(WorkerRewardBasisPoints);
        writer.WriteU64(SlashBasisPoints);
        writer.WriteU64(LatenessPenaltyBasisPoints);
        writer.WriteU8(MaxTaskAttempts);
        writer.WriteU32(MaxActiveTasksPerWorker);
        writer.WriteU64(UnassignedTaskTimeoutBlocks);
        writer.WriteU64(VerdictTimeoutBlocks);
        writer.WriteU64(EvidenceMaxAgeBlocks);
        writer.WriteU64(EquivocationSlashBasisPoints);
        writer.WriteU64(EvidenceRewardBasisPoints);
        writer.WriteU64(EpochLengthBlocks);
        writer.WriteU64(ComputeUnitsPerPower);
        writer.WriteU64(ComputePowerCapBasisPoints);
        writer.WriteU32(MaxValidators);
        writer.WriteU64(JailBlocks);
        writer.WriteU64(MinimumValidatorStake.Value);
    }
}
