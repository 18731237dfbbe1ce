using Pocc.Ledger.Economics;
using Pocc.Ledger.State;

namespace Pocc.Ledger.Consensus;

/// <summary>
/// The proof-of-compute voting power formula, one pure integer function:
/// <c>power = stake + min(compute / compute_units_per_power, stake · compute_power_cap_basis_points / 10000)</c>,
/// where stake is the bonded stake and compute the verified compute units credited for the epoch. Compute can add at
/// most the cap's share of the stake-based power and nothing at all without stake, so the Byzantine power share stays
/// bounded by the Byzantine stake share (see docs/protocol.md, "Voting power").
/// </summary>
public static class VotingPower
{
    /// <summary>The voting power of a validator with <paramref name="bondedStake"/> and <paramref name="computeCredit"/>; never above u64.</summary>
    public static ulong Of(ulong bondedStake, ulong computeCredit, ulong computeUnitsPerPower, ulong computePowerCapBasisPoints)
    {
        ArgumentOutOfRangeException.ThrowIfZero(computeUnitsPerPower);
        UInt128 fromCompute = computeCredit / computeUnitsPerPower;
        UInt128 cap = (UInt128)bondedStake * Math.Min(computePowerCapBasisPoints, TaskEconomics.BasisPoints) / TaskEconomics.BasisPoints;
        UInt128 power = bondedStake + UInt128.Min(fromCompute, cap);
        return power > ulong.MaxValue ? ulong.MaxValue : (ulong)power;
    }

    public static ulong Of(ChainParameters parameters, ulong bondedStake, ulong computeCredit) =>
        Of(bondedStake, computeCredit, parameters.ComputeUnitsPerPower, parameters.ComputePowerCapBasisPoints);
}
