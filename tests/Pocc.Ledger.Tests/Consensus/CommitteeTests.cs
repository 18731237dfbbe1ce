using CsCheck;
using Pocc.Core.Addressing;
using Pocc.Core.Hashing;
using Pocc.Ledger.Consensus;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tests.Builders;
using static Pocc.Ledger.Tests.Builders.TestKeys;

namespace Pocc.Ledger.Tests.Consensus;

/// <summary>The beacon draws the committee at epoch boundaries when more validators are eligible than seats.</summary>
public sealed class CommitteeTests
{
    private static readonly string[] Labels = ["v1", "v2", "v3", "v4", "v5", "v6"];

    private static List<(Address Address, ulong Weight)> Candidates(params ulong[] weights) =>
        [.. weights.Select((w, i) => (Of(Labels[i]).Address, w)).OrderBy(c => c.Address)];

    private static Hash32 BeaconOf(int i) => Blake3Hash.Of(BitConverter.GetBytes(i));

    [Fact]
    public void The_same_beacon_draws_the_same_committee_and_different_beacons_draw_different_ones()
    {
        var candidates = Candidates(10, 20, 30, 40, 50, 60);
        var committees = new HashSet<string>();
        for (int i = 0; i < 50; i++)
        {
            var drawn = Committee.Draw(BeaconOf(i), candidates, 3);
            Assert.Equal(drawn, Committee.Draw(BeaconOf(i), [.. candidates], 3));
            Assert.Equal(3, drawn.Count);
            Assert.Equal(3, drawn.Distinct().Count());
            Assert.Equal(drawn.Order(), drawn);
            Assert.All(drawn, a => Assert.Contains(candidates, c => c.Address == a));
            committees.Add(string.Join(",", drawn));
        }
        // 20 possible committees; 50 beacons that all drew one or two of them would mean the beacon is ignored.
        Assert.True(committees.Count >= 5, $"only {committees.Count} distinct committees");
    }

    [Fact]
    public void Any_draw_seats_min_of_seats_and_candidates_distinct_candidates_in_address_order()
    {
        Gen.Select(Gen.ULong[1, 1_000_000_000_000].Array[1, 6], Gen.Int[1, 8], Gen.UInt).Sample((weights, seats, seed) =>
        {
            var candidates = Candidates(weights);
            var drawn = Committee.Draw(BeaconOf((int)seed), candidates, seats);
            Assert.Equal(Math.Min(seats, candidates.Count), drawn.Count);
            Assert.Equal(drawn.Distinct().Order(), drawn);
            Assert.All(drawn, a => Assert.Contains(candidates, c => c.Address == a));
            Assert.Equal(drawn, Committee.Draw(BeaconOf((int)seed), candidates, seats));
        });
    }

    [Fact]
    public void Everyone_sits_when_there_are_enough_seats()
    {
        var candidates = Candidates(1, 2, 3);
        Assert.Equal(candidates.Select(c => c.Address), Committee.Draw(BeaconOf(0), candidates, 3));
        Assert.Equal(candidates.Select(c => c.Address), Committee.Draw(BeaconOf(0), candidates, 10));
    }

    [Fact]
    public void Seats_go_in_proportion_to_stake()
    {
        // One seat, stakes 1 : 3: the heavy validator should win about 3/4 of 4,000 draws (σ ≈ 27).
        var candidates = Candidates(1_000, 3_000);
        var heavy = Of(Labels[1]).Address;
        int wins = Enumerable.Range(0, 4_000).Count(i => Committee.Draw(BeaconOf(i), candidates, 1)[0] == heavy);
        Assert.InRange(wins, 2_850, 3_150);
    }

    private static GenesisBuilder FiveValidators(uint seats) =>
        GenesisBuilder.Default()
            .WithValidator("v1", 1_000_000).WithValidator("v2", 2_000_000).WithValidator("v3", 3_000_000).WithValidator("byzantine", 1_000_000)
            .WithParameters(p => p with { MaxValidators = seats, EpochLengthBlocks = 4 });

    [Fact]
    public void The_epoch_boundary_seats_max_validators_the_same_way_on_every_node()
    {
        using var t = TestChain.Create(FiveValidators(3));
        t.ProduceEmpty(3);
        Assert.Equal(5, t.Chain.GetValidatorSet().Count);   // the genesis epoch seats everyone

        var committees = new HashSet<string>();
        for (int epoch = 1; epoch <= 6; epoch++)
        {
            t.ProduceEmpty(epoch == 1 ? 1 : 4);
            var set = t.Chain.GetValidatorSet();
            Assert.Equal(3, set.Count);
            var benched = t.ValidatorKeys.Where(k => t.Chain.GetValidator(k.Address)!.Benched).Select(k => k.Address).ToList();
            Assert.Equal(2, benched.Count);
            Assert.All(benched, a => Assert.False(set.Contains(a)));
            committees.Add(string.Join(",", set.Members.Select(m => m.Address)));
        }
        Assert.True(committees.Count >= 2, "six epochs drew the same committee every time");

        using var replica = t.Replica();
        foreach (var (block, commit) in t.CommittedBlocks())
        {
            replica.Chain.Apply(block, commit);
        }
        Assert.Equal(t.Chain.StateRoot, replica.Chain.StateRoot);
        Assert.Equal(t.Chain.GetValidatorSet().Members, replica.Chain.GetValidatorSet().Members);
    }

    [Fact]
    public void A_jailed_validator_is_never_drawn()
    {
        using var t = TestChain.Create(FiveValidators(3).WithAccount("byzantine", GenesisBuilder.DefaultBalance));
        t.ProduceEmpty(2);
        t.Produce(Equivocation.Submit(Alice, Equivocation.Of(EvidenceTests.Byzantine, height: 2)).Signed());
        for (int epoch = 1; epoch <= 5; epoch++)
        {
            t.ProduceEmpty(4);
            var record = t.Chain.GetValidator(EvidenceTests.Byzantine.Address)!;
            Assert.True(record.Jailed);
            Assert.True(record.Benched);
            Assert.False(t.Chain.GetValidatorSet().Contains(EvidenceTests.Byzantine.Address));
            Assert.Equal(3, t.Chain.GetValidatorSet().Count);   // drawn from the four eligible
        }
    }
}
