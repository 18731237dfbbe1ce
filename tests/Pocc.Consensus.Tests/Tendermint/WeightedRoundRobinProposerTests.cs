using CsCheck;
using Pocc.Consensus.Tendermint;
using Pocc.Core.Addressing;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.State;
using Pocc.Ledger.Tests.Builders;

namespace Pocc.Consensus.Tests.Tendermint;

public sealed class WeightedRoundRobinProposerTests
{
    private static ValidatorSet Set(params ulong[] powers) =>
        new(powers.Select((power, i) => new ValidatorPower(TestKeys.Of($"wrr-{i}").Address, TestKeys.Of($"wrr-{i}").PublicKey, power)).ToList());

    [Fact]
    public void Each_validator_proposes_in_proportion_to_its_power_over_a_cycle()
    {
        Gen.ULong[1, 50].Array[1, 8].Sample(powers =>
        {
            var set = Set(powers);
            var cycle = new WeightedRoundRobinProposer(set).Cycle;
            ulong gcd = powers.Aggregate(0UL, (a, b) => { while (b != 0) { (a, b) = (b, a % b); } return a; });
            Assert.Equal((int)(set.TotalPower / gcd), cycle.Count);
            foreach (var member in set.Members)
            {
                Assert.Equal((int)(member.Power / gcd), cycle.Count(a => a == member.Address));
            }
        });
    }

    [Fact]
    public void Equal_powers_rotate_through_every_validator()
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
        var light = set.Members.Single(m => m.Power == 1).Address;
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
    public void Huge_stakes_are_scaled_into_a_bounded_cycle_that_keeps_every_validator()
    {
        var set = Set(1_000_000_000_000_007, 3_000_000_000_000_011, 1);
        var cycle = new WeightedRoundRobinProposer(set).Cycle;
        Assert.InRange(cycle.Count, 1, WeightedRoundRobinProposer.MaxCycle + set.Count);
        Assert.All(set.Members, m => Assert.Contains(m.Address, cycle));
        var big = set.Members.Single(m => m.Power == 3_000_000_000_000_011).Address;
        var small = set.Members.Single(m => m.Power == 1_000_000_000_000_007).Address;
        Assert.InRange(cycle.Count(a => a == big) - 3 * cycle.Count(a => a == small), -3, 3);
    }

    [Fact]
    public void Works_for_the_largest_height_and_round()
    {
        var proposer = new WeightedRoundRobinProposer(Set(2, 3));
        Assert.NotEqual(default(Address), proposer.Proposer(new Height(ulong.MaxValue), int.MaxValue));
    }
}
