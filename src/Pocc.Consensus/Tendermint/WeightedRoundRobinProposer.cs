using Pocc.Core.Addressing;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.State;

namespace Pocc.Consensus.Tendermint;

/// <summary>
/// Proposers in proportion to <see cref="ValidatorPower.ProposerWeight"/> (1 + verified compute, scaled; see
/// <see cref="Ledger.Consensus.ProposerWeight"/>), spread evenly rather than in bursts: the smooth weighted round-robin
/// (each step every validator gains its weight in priority, the highest goes and loses the total weight; ties go to
/// the lowest address). One cycle
/// is precomputed from the validator set alone, and (height + round) indexes into it, so the answer needs no state
/// carried between heights and every node computes the same one. Integer arithmetic only.
/// </summary>
public sealed class WeightedRoundRobinProposer : IProposerSelector
{
    /// <summary>
    /// Longest cycle kept. Weights can be far too large to cycle through; they are scaled down so the cycle fits,
    /// which keeps every validator at least one slot and shares within one slot in MaxCycle.
    /// </summary>
    public const int MaxCycle = 4096;

    private readonly Address[] _cycle;

    public WeightedRoundRobinProposer(ValidatorSet validators)
    {
        ArgumentNullException.ThrowIfNull(validators);
        if (validators.Count == 0)
        {
            throw new ArgumentException("a proposer needs a non-empty validator set", nameof(validators));
        }
        // Sorted by address so ties go the same way on every node whatever order the set was built in.
        var members = validators.Members.OrderBy(m => m.Address).ToArray();
        UInt128 totalWeight = 0;
        foreach (var member in members)
        {
            ArgumentOutOfRangeException.ThrowIfZero(member.ProposerWeight);
            totalWeight += member.ProposerWeight;
        }
        var weights = Scale(members.Select(m => m.ProposerWeight).ToArray(), totalWeight);
        long total = weights.Sum();
        _cycle = new Address[total];
        var priority = new long[members.Length];
        for (long slot = 0; slot < total; slot++)
        {
            int best = 0;
            for (int i = 0; i < members.Length; i++)
            {
                priority[i] += weights[i];
                if (priority[i] > priority[best])
                {
                    best = i;
                }
            }
            priority[best] -= total;
            _cycle[slot] = members[best].Address;
        }
    }

    /// <summary>The proposers of one full cycle, in order; each validator appears in proportion to its (scaled) weight.</summary>
    public IReadOnlyList<Address> Cycle => _cycle;

    public Address Proposer(Height height, int round)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(round);
        ulong length = (ulong)_cycle.Length;
        return _cycle[(height.Value % length + (ulong)round % length) % length];
    }

    private static long[] Scale(ulong[] raw, UInt128 total)
    {
        ulong divisor = 0;
        foreach (ulong weight in raw)
        {
            divisor = Gcd(divisor, weight);
        }
        var weights = new long[raw.Length];
        if (total / divisor <= MaxCycle)
        {
            for (int i = 0; i < raw.Length; i++)
            {
                weights[i] = (long)(raw[i] / divisor);
            }
            return weights;
        }
        for (int i = 0; i < raw.Length; i++)
        {
            weights[i] = Math.Max(1, (long)((UInt128)raw[i] * MaxCycle / total));
        }
        return weights;
    }

    private static ulong Gcd(ulong a, ulong b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }
        return a;
    }
}
