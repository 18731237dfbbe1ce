using Pocc.Core.Crypto;
using Pocc.Ledger.Consensus;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.State;
using Pocc.Ledger.Tests.Builders;
using static Pocc.Ledger.Tests.Builders.TestKeys;

namespace Pocc.Ledger.Tests.Consensus;

/// <summary>
/// Equivocation evidence over real blocks: it slashes, jails, rewards the submitter, keeps the supply conserved and
/// replays to the same state. The genesis has a large honest validator and a small "byzantine" one that equivocates.
/// </summary>
public sealed class EvidenceTests
{
    internal const ulong ByzantineStake = 100_000;
    internal static KeyPair Byzantine => Of("byzantine");

    internal static GenesisBuilder Genesis(Func<Genesis.GenesisParameters, Genesis.GenesisParameters>? parameters = null) =>
        GenesisBuilder.Default()
            .WithValidator("byzantine", ByzantineStake)
            .WithAccount("byzantine", GenesisBuilder.DefaultBalance)
            .WithParameters(parameters ?? (p => p));

    [Fact]
    public void Evidence_slashes_jails_and_pays_the_submitter_a_share()
    {
        using var t = TestChain.Create(Genesis());
        var p = t.Chain.Parameters;
        Assert.Equal(500UL, p.EquivocationSlashBasisPoints);
        Assert.Equal(1_000UL, p.EvidenceRewardBasisPoints);
        t.ProduceEmpty(3);
        Assert.True(t.Chain.GetValidatorSet().Contains(Byzantine.Address));
        ulong aliceBefore = t.Chain.GetAccount(Alice.Address).Balance.Value;
        ulong burnedBefore = t.Chain.Supply.Burned.Value;

        var produced = t.Produce(Equivocation.Submit(Alice, Equivocation.Of(Byzantine, height: 2)).Signed());

        Assert.Empty(produced.Rejected);
        const ulong slashed = ByzantineStake * 500 / 10_000;
        const ulong reward = slashed * 1_000 / 10_000;
        Assert.Equal(ByzantineStake - slashed, t.Chain.GetAccount(Byzantine.Address).Bonded.Value);
        Assert.Equal(aliceBefore - TxBuilder.DefaultFee + reward, t.Chain.GetAccount(Alice.Address).Balance.Value);
        Assert.Equal(burnedBefore + (slashed - reward) + TxBuilder.DefaultFee / 2, t.Chain.Supply.Burned.Value);
        var validator = t.Chain.GetValidator(Byzantine.Address)!;
        Assert.True(validator.Jailed);
        Assert.Equal([new EquivocationKey(2, 0)], validator.Punished.ToArray());
        Assert.False(t.Chain.GetValidatorSet().Contains(Byzantine.Address));
        Assert.True(t.Chain.SupplyIsConserved());

        // A commit that counts the jailed validator's signature is refused; the chain goes on without it.
        var next = t.Propose();
        var error = Assert.Throws<LedgerException>(() => t.Chain.Commit(next, t.SignCommit(next.Block, t.ValidatorKeys)));
        Assert.Equal(LedgerErrors.BlockBadCommit, error.Code);
        t.ProduceEmpty(2);
        Assert.Equal(new Height(6), t.Chain.Height);
    }

    [Fact]
    public void Blocks_with_evidence_replay_to_the_same_state()
    {
        using var t = TestChain.Create(Genesis());
        t.ProduceEmpty(2);
        t.Produce(Equivocation.Submit(Alice, Equivocation.Of(Byzantine, height: 1, round: 3, type: VoteType.Precommit)).Signed());
        t.ProduceEmpty(1);
        using var replica = t.Replica();

        foreach (var (block, commit) in t.CommittedBlocks())
        {
            replica.Chain.Apply(block, commit);
        }

        Assert.Equal(t.Chain.StateRoot, replica.Chain.StateRoot);
        Assert.True(replica.Chain.GetValidator(Byzantine.Address)!.Jailed);
    }

    [Fact]
    public void A_nil_and_a_non_nil_vote_conflict()
    {
        using var t = TestChain.Create(Genesis());
        t.ProduceEmpty(2);
        var evidence = new DuplicateVoteEvidence(
            Equivocation.Vote(Byzantine, 2, type: VoteType.Precommit, block: null),
            Equivocation.Vote(Byzantine, 2, type: VoteType.Precommit, block: Equivocation.BlockA));

        var produced = t.Produce(Equivocation.Submit(Carol, evidence).Signed());

        Assert.Empty(produced.Rejected);
        Assert.True(t.Chain.GetValidator(Byzantine.Address)!.Jailed);
    }

    [Fact]
    public void Stake_unbonded_after_the_offence_is_slashed_too_but_stake_unbonded_before_is_not()
    {
        using var t = TestChain.Create(Genesis());
        t.Produce(Tx.Unbond(Byzantine, 20_000).WithNonce(0).Signed());   // height 1: before the offence
        t.ProduceEmpty(1);
        t.Produce(Tx.Unbond(Byzantine, 40_000).WithNonce(1).Signed());   // height 3: after the offence at height 2
        t.Produce(Equivocation.Submit(Alice, Equivocation.Of(Byzantine, height: 2)).Signed());

        var account = t.Chain.GetAccount(Byzantine.Address);
        Assert.Equal(40_000UL - 40_000 * 500 / 10_000, account.Bonded.Value);
        Assert.Equal([20_000UL, 40_000UL - 40_000 * 500 / 10_000], account.Unbonding.Select(e => e.Amount.Value));
        Assert.True(t.Chain.SupplyIsConserved());
    }

    [Fact]
    public void The_same_offence_is_punished_once_whatever_the_order_or_vote_type()
    {
        using var t = TestChain.Create(Genesis());
        t.ProduceEmpty(3);
        var prevotes = Equivocation.Of(Byzantine, height: 2, round: 1);
        t.Produce(Equivocation.Submit(Alice, prevotes).WithNonce(0).Signed());
        var bonded = t.Chain.GetAccount(Byzantine.Address).Bonded;

        var swapped = Equivocation.Submit(Bob, new DuplicateVoteEvidence(prevotes.Second, prevotes.First)).WithNonce(0).Signed();
        var precommits = Equivocation.Submit(Carol, Equivocation.Of(Byzantine, height: 2, round: 1, type: VoteType.Precommit)).WithNonce(0).Signed();
        var produced = t.Produce(swapped, precommits);

        Assert.Equal([LedgerErrors.EvidenceDuplicate, LedgerErrors.EvidenceDuplicate], produced.Rejected.Select(r => r.Code));
        Assert.Equal(bonded, t.Chain.GetAccount(Byzantine.Address).Bonded);

        // Another round of the same height is another offence.
        var other = t.Produce(Equivocation.Submit(Alice, Equivocation.Of(Byzantine, height: 2, round: 2)).WithNonce(1).Signed());
        Assert.Empty(other.Rejected);
        Assert.True(t.Chain.GetAccount(Byzantine.Address).Bonded < bonded);
    }

    [Fact]
    public void The_punishment_record_forgets_offences_too_old_to_be_reported_again()
    {
        using var t = TestChain.Create(Genesis(p => p with { EvidenceMaxAgeBlocks = 2 }));
        t.ProduceEmpty(2);
        t.Produce(Equivocation.Submit(Alice, Equivocation.Of(Byzantine, height: 1)).WithNonce(0).Signed());   // height 3
        t.ProduceEmpty(2);
        t.Produce(Equivocation.Submit(Alice, Equivocation.Of(Byzantine, height: 5)).WithNonce(1).Signed());   // height 6

        Assert.Equal([new EquivocationKey(5, 0)], t.Chain.GetValidator(Byzantine.Address)!.Punished.ToArray());
    }

    [Fact]
    public void The_offender_may_report_itself_and_still_loses_stake()
    {
        using var t = TestChain.Create(Genesis());
        t.ProduceEmpty(2);
        var before = t.Chain.GetAccount(Byzantine.Address);

        t.Produce(Equivocation.Submit(Byzantine, Equivocation.Of(Byzantine, height: 1)).Signed());

        var after = t.Chain.GetAccount(Byzantine.Address);
        Assert.True(after.Holdings < before.Holdings);
        Assert.True(t.Chain.SupplyIsConserved());
    }
}
