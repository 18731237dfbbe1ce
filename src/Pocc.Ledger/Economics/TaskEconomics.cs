using Pocc.Ledger.Primitives;
using Pocc.Ledger.State;
using Pocc.Ledger.Tasks;

namespace Pocc.Ledger.Economics;

/// <summary>
/// Every integer rule that moves tokens or reputation because of compute work, in one place, so anyone can
/// recompute each reward and penalty from the chain. All divisions round down; what rounding leaves goes to the
/// block's proposer, so nothing is created or lost.
/// </summary>
public static class TaskEconomics
{
    public const ulong BasisPoints = 10_000;

    /// <summary>The verifying validator's cut of a settled task's fee; the worker gets the rest.</summary>
    public static Amount VerificationShare(ChainParameters p, Amount fee) => fee.MulDiv(p.VerificationFeeBasisPoints, BasisPoints);

    /// <summary>The part of a block's reward that goes to the workers whose results settled in it (none settled: none).</summary>
    public static Amount WorkerRewardPool(ChainParameters p) => p.BlockReward.MulDiv(p.WorkerRewardBasisPoints, BasisPoints);

    /// <summary>A worker's slice of the pool: proportional to the compute units it settled in this block.</summary>
    public static Amount WorkerRewardShare(Amount pool, ulong workerUnits, ulong totalUnits) =>
        totalUnits == 0 ? Amount.Zero : pool.MulDiv(workerUnits, totalUnits);

    /// <summary>What a proven-wrong result costs: a stated fraction of the worker's stake, burned.</summary>
    public static Amount Slash(ChainParameters p, Amount stake) => stake.MulDiv(p.SlashBasisPoints, BasisPoints);

    /// <summary>What a missed deadline or unavailable result costs: a small stated fraction of the stake, burned.</summary>
    public static Amount LatenessPenalty(ChainParameters p, Amount stake) => stake.MulDiv(p.LatenessPenaltyBasisPoints, BasisPoints);

    /// <summary>Reputation after a verified result: moves 1/8 of the way to the maximum.</summary>
    public static uint ReputationAfterSuccess(uint reputation) => reputation + (Worker.MaxReputation - reputation) / 8;

    /// <summary>Reputation after a missed deadline or unavailable result: loses 1/8.</summary>
    public static uint ReputationAfterLateness(uint reputation) => reputation - reputation / 8;

    /// <summary>Reputation after a proven-wrong result: reset to zero.</summary>
    public static uint ReputationAfterFraud(uint reputation) => 0;

    /// <summary>Assignment weight: reputation plus a floor, so a new or reset worker still gets a chance to rebuild.</summary>
    public static ulong AssignmentWeight(uint reputation) => reputation + 100UL;
}
