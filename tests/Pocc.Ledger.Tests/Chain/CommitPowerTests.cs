using Pocc.Core.Crypto;
using Pocc.Ledger.Blocks;
using Pocc.Ledger.Tests.Builders;

namespace Pocc.Ledger.Tests.Chain;

/// <summary>A commit finalizes a block only with signatures from more than two thirds of the bonded power.</summary>
public sealed class CommitPowerTests
{
    private static GenesisBuilder Validators(params (string Label, ulong Stake)[] validators)
    {
        var genesis = GenesisBuilder.Default().WithoutValidators();
        foreach (var (label, stake) in validators)
        {
            genesis.WithValidator(label, stake);
        }
        return genesis;
    }

    public static TheoryData<string, string> Cases => new()
    {
        // stakes, signers
        { "v1=1,v2=1,v3=1", "v1,v2" },          // exactly two thirds: not enough
        { "v1=2,v2=1", "v1" },                  // exactly two thirds: not enough
        { "v1=1,v2=1", "v1" },                  // half
        { "v1=1,v2=1,v3=1,v4=1", "v1,v2" },     // half
    };

    public static TheoryData<string, string> Sufficient => new()
    {
        { "v1=1,v2=1,v3=1", "v1,v2,v3" },
        { "v1=3,v2=1", "v1" },                  // three quarters
        { "v1=1,v2=1,v3=1,v4=1", "v1,v2,v3" },  // three quarters
        { "v1=1000,v2=1", "v1" },
    };

    private static (TestChain Chain, KeyPair[] Signers) Setup(string stakes, string signers)
    {
        var validators = stakes.Split(',').Select(s => s.Split('=')).Select(p => (p[0], ulong.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture))).ToArray();
        var chain = TestChain.Create(Validators(validators));
        return (chain, [.. signers.Split(',').Select(TestKeys.Of)]);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Commit_with_two_thirds_of_the_power_or_less_is_refused(string stakes, string signers)
    {
        var (t, keys) = Setup(stakes, signers);
        using (t)
        {
            using var replica = t.Replica();
            var proposed = t.Propose(Tx.Transfer(TestKeys.Alice, TestKeys.Bob, 1).Signed());
            var commit = t.SignCommit(proposed.Block, keys);
            var before = ChainSnapshot.Of(t.Chain);

            Assert.Equal(LedgerErrors.BlockBadCommit, Assert.Throws<LedgerException>(() => t.Chain.Commit(proposed, commit)).Code);
            Assert.Equal(LedgerErrors.BlockBadCommit, Assert.Throws<LedgerException>(() => replica.Chain.Apply(proposed.Block, commit)).Code);
            Assert.Equal(before, ChainSnapshot.Of(t.Chain));
            Assert.Equal(before, ChainSnapshot.Of(replica.Chain));
        }
    }

    [Theory]
    [MemberData(nameof(Sufficient))]
    public void Commit_with_more_than_two_thirds_of_the_power_finalizes(string stakes, string signers)
    {
        var (t, keys) = Setup(stakes, signers);
        using (t)
        {
            using var replica = t.Replica();
            var proposed = t.Propose(Tx.Transfer(TestKeys.Alice, TestKeys.Bob, 1).Signed());
            var commit = t.SignCommit(proposed.Block, keys);

            replica.Chain.Apply(proposed.Block, commit);
            t.Chain.Commit(proposed, commit);

            Assert.Equal(1UL, t.Chain.Height.Value);
            Assert.Equal(t.Chain.StateRoot, replica.Chain.StateRoot);
        }
    }

    [Fact]
    public void Proposal_built_on_a_stale_head_cannot_be_committed()
    {
        using var t = TestChain.Create();
        var stale = t.Propose();
        t.Produce();

        var error = Assert.Throws<LedgerException>(() => t.Chain.Commit(stale, t.SignCommit(stale.Block)));
        Assert.Equal(LedgerErrors.BlockWrongParent, error.Code);
        Assert.Equal(1UL, t.Chain.Height.Value);
    }

    [Fact]
    public void Commit_repeating_one_validators_signature_is_refused()
    {
        using var t = TestChain.Create(Validators(("v1", 1), ("v2", 1), ("v3", 1)));
        var block = t.Propose().Block;
        var one = t.SignCommit(block, [TestKeys.Of("v1")]);
        var repeated = one with { Signatures = [one.Signatures[0], one.Signatures[0], one.Signatures[0]] };

        var error = Assert.Throws<LedgerException>(() => t.Chain.Apply(block, repeated));
        Assert.Equal(LedgerErrors.BlockBadCommit, error.Code);
    }

    [Fact]
    public void Chain_reopens_after_applying_a_commit_with_signatures_out_of_order()
    {
        using var t = TestChain.Create(Validators(("v1", 1), ("v2", 1), ("v3", 1)));
        var block = t.Propose().Block;
        var sorted = t.SignCommit(block);
        var reversed = sorted with { Signatures = [.. sorted.Signatures.Reverse()] };

        try
        {
            t.Chain.Apply(block, reversed);
        }
        catch (LedgerException e)
        {
            // Refusing the unsorted commit is a correct answer too.
            Assert.Equal(LedgerErrors.BlockBadCommit, e.Code);
            return;
        }
        t.Reopen();
        Assert.Equal(1UL, t.Chain.Height.Value);
    }
}
