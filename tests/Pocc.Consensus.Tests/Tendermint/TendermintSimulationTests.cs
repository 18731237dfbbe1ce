using System.Diagnostics;
using Pocc.Ledger.Primitives;
using Xunit.Abstractions;

namespace Pocc.Consensus.Tests.Tendermint;

/// <summary>
/// Many seeded runs of 4 to 7 validators over a lossy, reordering network with Byzantine equivocators: no two honest
/// nodes ever decide differently, and after GST every honest node decides every height within a bound.
/// </summary>
public sealed class TendermintSimulationTests(ITestOutputHelper output)
{
    private const int Seeds = 300;

    // After GST a few rounds whose timeouts have outgrown Δ suffice; 300 seeds need at most about 300 ms.
    private const long LivenessBoundAfterGst = 2_000;

    [Fact]
    public void Honest_validators_agree_and_decide_after_gst_despite_equivocators_and_a_lossy_network()
    {
        var clock = Stopwatch.StartNew();
        long slowest = 0;
        int evidence = 0;
        var rounds = new int[4];
        for (int seed = 0; seed < Seeds; seed++)
        {
            var options = new SimulationOptions { Validators = 4 + seed % 4 };
            var network = new SimulatedNetwork(seed, options);

            network.Run();

            Assert.True(network.AllHonestDecidedAt is not null, $"seed {seed}: honest nodes did not all decide {options.Heights} heights by {options.Horizon}: {network.Describe()}");
            long afterGst = Math.Max(0, network.AllHonestDecidedAt!.Value - options.Gst);
            Assert.True(afterGst <= LivenessBoundAfterGst, $"seed {seed}: took {afterGst} ms after GST to decide");
            Assert.Equal(options.Heights, network.Decisions.Count);
            Assert.All(network.Evidence, e => Assert.Contains(e.Validator, network.ByzantineAddresses));
            slowest = Math.Max(slowest, afterGst);
            evidence += network.Evidence.Count;
            network.RoundsDecided.ForEach(r => rounds[Math.Min(r, rounds.Length - 1)]++);
        }
        output.WriteLine($"{Seeds} seeds in {clock.ElapsedMilliseconds} ms; slowest decided {slowest} ms after GST; {evidence} evidence reports; decisions in rounds 0, 1, 2, 3+: {string.Join(", ", rounds)}");
    }

    [Fact]
    public void Without_faults_every_height_is_decided_in_round_zero_quickly()
    {
        var options = new SimulationOptions { Validators = 7, Heights = 5, Gst = 0, DropBeforeGst = 0, Duplicate = 0, Byzantine = false };
        var network = new SimulatedNetwork(seed: 1, options);

        network.Run();

        Assert.Equal(5, network.Decisions.Count);
        Assert.Empty(network.Evidence);
        Assert.InRange(network.AllHonestDecidedAt!.Value, 0, 5 * 4 * options.MaxDelayAfterGst + 5 * 20);
        Assert.Contains(new Height(5), network.Decisions.Keys);
    }
}
