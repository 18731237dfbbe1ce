using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tests.Builders;
using static Pocc.Ledger.Tests.Builders.TestKeys;

namespace Pocc.Ledger.Tests.Consensus;

/// <summary>A jailed validator rejoins with an unjail transaction once it has served jail_blocks, if still bonded enough.</summary>
public sealed class UnjailTests
{
    private static TestChain JailedAtHeight3(ulong jailBlocks = 10, ulong minimumStake = 1)
    {
        var t = TestChain.Create(EvidenceTests.Genesis(p => p with { JailBlocks = jailBlocks, MinimumValidatorStake = minimumStake }));
        t.ProduceEmpty(2);
        t.Produce(Equivocation.Submit(Alice, Equivocation.Of(EvidenceTests.Byzantine, height: 2)).Signed());
        Assert.Equal(3UL, t.Chain.GetValidator(EvidenceTests.Byzantine.Address)!.JailedAt);
        return t;
    }

    [Fact]
    public void Unjail_after_jail_blocks_returns_the_validator_to_the_set()
    {
        using var t = JailedAtHeight3();
        t.ProduceEmpty(9);   // head 12; the unjail lands in block 13 = 3 + 10

        var produced = t.Produce(Tx.Unjail(EvidenceTests.Byzantine).Signed());

        Assert.Empty(produced.Rejected);
        Assert.False(t.Chain.GetValidator(EvidenceTests.Byzantine.Address)!.Jailed);
        Assert.True(t.Chain.GetValidatorSet().Contains(EvidenceTests.Byzantine.Address));
        Assert.Equal(1UL, t.Chain.GetAccount(EvidenceTests.Byzantine.Address).Nonce);
        Assert.True(t.Chain.SupplyIsConserved());
    }

    [Fact]
    public void Unjail_before_the_term_is_refused_and_changes_nothing()
    {
        using var t = JailedAtHeight3();
        t.ProduceEmpty(8);   // block 12 would be one block early
        var account = t.Chain.GetAccount(EvidenceTests.Byzantine.Address);

        var produced = t.Produce(Tx.Unjail(EvidenceTests.Byzantine).Signed());

        Assert.Equal(LedgerErrors.JailNotServed, Assert.Single(produced.Rejected).Code);
        Assert.True(t.Chain.GetValidator(EvidenceTests.Byzantine.Address)!.Jailed);
        Assert.Equal(account, t.Chain.GetAccount(EvidenceTests.Byzantine.Address));
    }

    [Fact]
    public void Unjail_by_a_validator_that_is_not_jailed_or_not_a_validator_is_refused()
    {
        using var t = TestChain.Create(EvidenceTests.Genesis());
        var produced = t.Produce(Tx.Unjail(EvidenceTests.Byzantine).Signed(), Tx.Unjail(Alice).Signed());
        Assert.Equal([LedgerErrors.NotJailed, LedgerErrors.NotJailed], produced.Rejected.Select(r => r.Code));
        Assert.Equal(0UL, t.Chain.GetAccount(Alice.Address).Nonce);
    }

    [Fact]
    public void Unjail_with_stake_below_the_validator_minimum_is_refused()
    {
        using var t = JailedAtHeight3(jailBlocks: 2, minimumStake: 50_000);
        // 95,000 bonded after the slash; unbonding 60,000 leaves 35,000.
        t.Produce(Tx.Unbond(EvidenceTests.Byzantine, 60_000).Signed());
        t.ProduceEmpty(1);

        var produced = t.Produce(Tx.Unjail(EvidenceTests.Byzantine).WithNonce(1).Signed());

        Assert.Equal(LedgerErrors.StakeBelowMinimum, Assert.Single(produced.Rejected).Code);
        Assert.True(t.Chain.GetValidator(EvidenceTests.Byzantine.Address)!.Jailed);
        Assert.Equal(1UL, t.Chain.GetAccount(EvidenceTests.Byzantine.Address).Nonce);
    }
}
