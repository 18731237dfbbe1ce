namespace Pocc.Simulation.Tests;

public sealed class SimulationTests
{
    [Fact]
    public void Five_hundred_seeds_of_four_to_seven_validators_with_the_most_tolerable_byzantine_keep_every_invariant()
    {
        var summary = SimulationBatch.Run(500, 4, 7, byzantine: null, heights: 3);

        Assert.Equal(500, summary.Seeds);
        // Liveness included: seeds 183 and 353 stalled here until equivocators' further votes were held (RoundVotes).
        Assert.Empty(summary.Violations);
        Assert.True(summary.Results.All(r => r.MinHeight >= 3));
        // The faults really happened: without them this test would prove little.
        Assert.True(summary.Crashes > 0);
        Assert.True(summary.Evidence > 0);
        Assert.True(summary.MaxRound > 0);
        Assert.All(Enumerable.Range(4, 4), n => Assert.Contains(summary.Results, r => r.Validators == n && r.Byzantine == (n - 1) / 3));
    }

    [Fact]
    public void A_seed_replays_exactly()
    {
        var options = new SimulationOptions { Seed = 42, Validators = 5, Byzantine = 1, Trace = true };

        var first = Simulation.Run(options);
        var second = Simulation.Run(options);

        Assert.Equal(first.TraceHash, second.TraceHash);
        Assert.Equal(first.Trace, second.Trace);
        Assert.Equal(first.Steps, second.Steps);
        Assert.NotEqual(first.TraceHash, Simulation.Run(options with { Seed = 43 }).TraceHash);
    }

    [Fact]
    public void More_than_a_third_byzantine_splitting_their_votes_breaks_agreement_and_the_check_says_so()
    {
        var violations = Enumerable.Range(1, 20)
            .SelectMany(seed => Simulation.Run(new SimulationOptions { Seed = seed, Validators = 4, Byzantine = 2, Sabotage = Sabotage.SplitVotes }).Violations)
            .ToArray();

        Assert.Contains(violations, v => v.Kind == InvariantKinds.Agreement);
    }

    [Fact]
    public void A_corrupted_state_root_at_one_honest_validator_is_reported()
    {
        var result = Simulation.Run(new SimulationOptions { Seed = 7, Validators = 4, Byzantine = 1, Sabotage = Sabotage.CorruptStateRoot });

        var violation = Assert.Single(result.Violations);
        Assert.Equal(InvariantKinds.StateRoot, violation.Kind);
        Assert.Equal(7, violation.Seed);
        Assert.True(violation.Step > 0);
    }

    [Fact]
    public void A_network_that_never_heals_is_a_liveness_violation()
    {
        var result = Simulation.Run(new SimulationOptions { Seed = 3, Validators = 4, Byzantine = 1, Sabotage = Sabotage.NeverHeal });

        var violation = Assert.Single(result.Violations);
        Assert.Equal(InvariantKinds.Liveness, violation.Kind);
        Assert.Equal(0ul, result.MinHeight);
    }
}
