using CsCheck;
using Pocc.Consensus.Tendermint;
using Pocc.Core.Addressing;
using Pocc.Ledger.Consensus;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.State;
using Pocc.Ledger.Tests.Builders;

namespace Pocc.Consensus.Tests.Tendermint;

public sealed class WeightedRoundRobinProposerTests
{
    // Voting power is deliberately unrelated to the weights: proposals follow compute, not stake.
    private static ValidatorSet Set(params ulong[] weights) =>
        new(weights.Select((weight, i) => new ValidatorPower(TestKeys.Of($"wrr-{i}").Address, TestKeys.Of($"wrr-{i}").PublicKey, (ulong)(100 - i)) { ProposerWeight = weight }).ToList());

    private static ulong TotalWeight(ValidatorSet set) => set.Members.Aggregate(0UL, (sum, m) => sum + m.ProposerWeight);

    [Fact]
    public void Each_validator_proposes_in_proportion_to_its_weight_over_a_cycle()
    {
        Gen.ULong[1, 50].Array[1, 8].Sample(powers =>
        {
            var set = Set(powers);
            var cycle = new WeightedRoundRobinProposer(set).Cycle;
            ulong gcd = powers.Aggregate(0UL, (a, b) => { while (b != 0) { (a, b) = (b, a % b); } return a; });
            Assert.Equal((int)(TotalWeight(set) / gcd), cycle.Count);
            foreach (var member in set.Members)
            {
                Assert.Equal((int)(member.ProposerWeight / gcd), cycle.Count(a => a == member.Address));
            }
        });
    }

    [Fact]
    public void Equal_weights_rotate_through_every_validator()
    {
        var set = Set(5, 5, 5, 5);
        var proposer = new WeightedRoundRobinProposer(set);
        var first = Enumerable.Range(0, 4).Select(r => proposer.Proposer(new Height(10), r)).ToHashSet();
        Assert.Equal(4, first.Count);
        // Next height's round 0 is this height's round 1: the rotation carries on across heights.
        Assert.Equal(proposer.Proposer(new Height(10), 1), proposer.Proposer(new Height(11), 0));
    }

    [Fact]
    public void Heavy_validators_are_spread_out_not_bunched()
    {
        var set = Set(3, 1);
        var cycle = new WeightedRoundRobinProposer(set).Cycle;
        var light = set.Members.Single(m => m.ProposerWeight == 1).Address;
        Assert.Single(cycle, a => a == light);
        Assert.Equal(4, cycle.Count);
    }

    [Fact]
    public void Does_not_depend_on_the_order_the_set_lists_its_members()
    {
        var set = Set(7, 3, 2, 9);
        var reversed = new ValidatorSet(set.Members.Reverse().ToList());
        Assert.Equal(new WeightedRoundRobinProposer(set).Cycle, new WeightedRoundRobinProposer(reversed).Cycle);
    }

    [Fact]
    public void Huge_weights_are_scaled_into_a_bounded_cycle_that_keeps_every_validator()
    {
        var set = Set(1_000_000_000_000_007, 3_000_000_000_000_011, 1);
        var cycle = new WeightedRoundRobinProposer(set).Cycle;
        Assert.InRange(cycle.Count, 1, WeightedRoundRobinProposer.MaxCycle + set.Count);
        Assert.All(set.Members, m => Assert.Contains(m.Address, cycle));
        var big = set.Members.Single(m => m.ProposerWeight == 3_000_000_000_000_011).Address;
        var small = set.Members.Single(m => m.ProposerWeight == 1_000_000_000_000_007).Address;
        Assert.InRange(cycle.Count(a => a == big) - 3 * cycle.Count(a => a == small), -3, 3);
    }

    [Fact]
    public void Over_many_heights_proposals_follow_the_weights_and_every_node_picks_the_same_proposer()
    {
        // Weights as FromState gives them: 1 for no compute, 1 + credit / units_per_power otherwise.
        var parameters = new ChainParameters { ComputeUnitsPerPower = 1_000 };
        ulong[] credits = [0, 999, 4_000, 10_000];
        var weights = credits.Select(c => ProposerWeight.Of(parameters, c)).ToArray();
        Assert.Equal([1UL, 1, 5, 11], weights);
        var set = Set(weights);
        var proposer = new WeightedRoundRobinProposer(set);
        var again = new WeightedRoundRobinProposer(new ValidatorSet([.. set.Members.Reverse()]));
        const int heights = 18 * 500;
        var counts = new Dictionary<Address, int>();
        for (ulong h = 1; h <= heights; h++)
        {
            var chosen = proposer.Proposer(new Height(h), 0);
            Assert.Equal(chosen, again.Proposer(new Height(h), 0));
            counts[chosen] = counts.GetValueOrDefault(chosen) + 1;
        }
        foreach (var member in set.Members)
        {
            Assert.Equal(heights / 18 * (int)member.ProposerWeight, counts[member.Address]);
        }
    }

    [Fact]
    public void Weight_saturates_instead_of_overflowing()
    {
        Assert.Equal(ulong.MaxValue, ProposerWeight.Of(new ChainParameters { ComputeUnitsPerPower = 1 }, ulong.MaxValue));
    }

    [Fact]
    public void Works_for_the_largest_height_and_round()
    {
        var proposer = new WeightedRoundRobinProposer(Set(2, 3));
        Assert.NotEqual(default(Address), proposer.Proposer(new Height(ulong.MaxValue), int.MaxValue));
    }
}
