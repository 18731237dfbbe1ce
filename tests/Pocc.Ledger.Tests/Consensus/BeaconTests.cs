using Pocc.Core.Crypto.Vrf;
using Pocc.Ledger.Consensus;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tests.Builders;
using Pocc.Ledger.Tests.Chain;
using static Pocc.Ledger.Tests.Builders.TestKeys;

namespace Pocc.Ledger.Tests.Consensus;

/// <summary>Every block carries its proposer's VRF proof over the previous beacon; a block without a valid one changes nothing.</summary>
public sealed class BeaconTests
{
    [Fact]
    public void Each_block_beacon_is_the_proposers_verified_vrf_output_over_the_previous_beacon_and_survives_a_restart()
    {
        using var t = TestChain.Create();
        var previous = Beacon.Genesis(t.Chain.GenesisHash);
        Assert.Equal(previous, t.Chain.Beacon);
        var beacons = new HashSet<Core.Hashing.Hash32> { previous };

        for (ulong height = 1; height <= 3; height++)
        {
            var block = t.Produce().Block;
            var expected = Beacon.Verify(t.Proposer.PublicKey, block.Header.BeaconProof, Beacon.Alpha(t.Chain.ChainId, new Height(height), previous));
            Assert.Equal(expected, t.Chain.Beacon);
            Assert.True(beacons.Add(expected));
            previous = expected;
        }

        t.Reopen();
        Assert.Equal(previous, t.Chain.Beacon);
    }

    [Fact]
    public void Genesis_beacon_depends_on_the_genesis()
    {
        using var a = TestChain.Create();
        using var b = TestChain.Create(GenesisBuilder.Default().WithChainId("pocc-other"));
        Assert.NotEqual(a.Chain.Beacon, b.Chain.Beacon);
    }

    [Fact]
    public void A_proof_by_another_key_is_refused_by_validate_and_apply_and_changes_nothing()
    {
        using var producer = TestChain.Create();
        using var replica = producer.Replica();
        var proposed = producer.Propose(Tx.Transfer(Alice, Bob, 100).Signed());
        var alpha = Beacon.Alpha(producer.Chain.ChainId, new Height(1), producer.Chain.Beacon);
        var forged = Tamper.Header(proposed.Block, h => Tamper.Header(h, beaconProof: Ecvrf.Prove(Bob, alpha)));
        var before = ChainSnapshot.Of(replica.Chain);

        Assert.Equal(LedgerErrors.BlockBadBeacon, replica.Chain.Validate(forged).Code);
        var error = Assert.Throws<LedgerException>(() => replica.Chain.Apply(forged, producer.SignCommit(forged)));

        Assert.Equal(LedgerErrors.BlockBadBeacon, error.Code);
        Assert.Equal(before, ChainSnapshot.Of(replica.Chain));
        replica.Chain.Apply(proposed.Block, producer.SignCommit(proposed.Block));
    }

    [Fact]
    public void A_proof_over_a_stale_beacon_is_refused()
    {
        using var producer = TestChain.Create();
        using var replica = producer.Replica();
        var first = producer.Produce().Block;
        replica.Chain.Apply(first, producer.SignCommit(first));
        var proposed = producer.Propose();
        // The proposer's own key, but over the genesis beacon instead of block 1's: a replayed or precomputed proof.
        var stale = Ecvrf.Prove(producer.Proposer, Beacon.Alpha(producer.Chain.ChainId, new Height(2), Beacon.Genesis(producer.Chain.GenesisHash)));
        var replayed = Tamper.Header(proposed.Block, h => Tamper.Header(h, beaconProof: stale));

        Assert.Equal(LedgerErrors.BlockBadBeacon, replica.Chain.Validate(replayed).Code);
        Assert.True(replica.Chain.Validate(proposed.Block).IsValid);
    }

    [Fact]
    public void Propose_refuses_a_proof_that_is_not_the_proposers_and_changes_nothing()
    {
        using var t = TestChain.Create();
        var before = ChainSnapshot.Of(t.Chain);

        var error = Assert.Throws<LedgerException>(() => t.Chain.Propose([], t.Proposer.Address, 0, alpha => Ecvrf.Prove(Carol, alpha)));

        Assert.Equal(LedgerErrors.BlockBadBeacon, error.Code);
        Assert.Equal(before, ChainSnapshot.Of(t.Chain));
    }
}
