using Pocc.Ledger.State;

namespace Pocc.Ledger.Consensus;

/// <summary>
/// How often a validator proposes, one pure integer function of the compute it verified:
/// <c>weight = 1 + compute_credit / compute_units_per_power</c> (saturating at u64). The 1 lets a validator with no
/// compute yet propose sometimes, so a new chain runs; beyond it, block rights follow verified compute ("proof of
/// compute"). It decides only who proposes, never what is final: finality still takes more than two thirds of the
/// voting power (<see cref="VotingPower"/>), so a Byzantine proposer can at worst waste its rounds.
/// </summary>
public static class ProposerWeight
{
    public static ulong Of(ChainParameters parameters, ulong computeCredit)
    {
        ulong scaled = computeCredit / parameters.ComputeUnitsPerPower;
        return scaled == ulong.MaxValue ? ulong.MaxValue : scaled + 1;
    }
}
