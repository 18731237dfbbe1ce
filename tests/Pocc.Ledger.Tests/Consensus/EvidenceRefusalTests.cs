using Pocc.Ledger.Consensus;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.State;
using Pocc.Ledger.Tests.Builders;
using Pocc.Ledger.Tests.Chain;
using Pocc.Ledger.Transactions;
using static Pocc.Ledger.Tests.Builders.TestKeys;

namespace Pocc.Ledger.Tests.Consensus;

/// <summary>
/// Evidence the ledger must refuse, each with its code: a proposer leaves it out, a block carrying it is refused whole,
/// and the state is unchanged. Every case runs at height 6 (five empty blocks first) on <see cref="EvidenceTests.Genesis"/>
/// with an evidence age limit of 3 blocks.
/// </summary>
public sealed class EvidenceRefusalTests
{
    private const ulong MaxAge = 3;

    private static readonly Dictionary<string, (Func<SignedTransaction> Tx, string Code)> Cases = new()
    {
        ["votes of two validators"] = (() => Submit(new DuplicateVoteEvidence(
            Equivocation.Vote(EvidenceTests.Byzantine, 4, block: Equivocation.BlockA), Equivocation.Vote(ValidatorKey, 4, block: Equivocation.BlockB))),
            LedgerErrors.EvidenceInvalid),
        ["votes for the same block"] = (() => Submit(new DuplicateVoteEvidence(
            Equivocation.Vote(EvidenceTests.Byzantine, 4, block: Equivocation.BlockA), Equivocation.Vote(EvidenceTests.Byzantine, 4, block: Equivocation.BlockA))),
            LedgerErrors.EvidenceInvalid),
        ["votes of two rounds"] = (() => Submit(new DuplicateVoteEvidence(
            Equivocation.Vote(EvidenceTests.Byzantine, 4, round: 0, block: Equivocation.BlockA), Equivocation.Vote(EvidenceTests.Byzantine, 4, round: 1, block: Equivocation.BlockB))),
            LedgerErrors.EvidenceInvalid),
        ["votes of two heights"] = (() => Submit(new DuplicateVoteEvidence(
            Equivocation.Vote(EvidenceTests.Byzantine, 4, block: Equivocation.BlockA), Equivocation.Vote(EvidenceTests.Byzantine, 5, block: Equivocation.BlockB))),
            LedgerErrors.EvidenceInvalid),
        ["a prevote and a precommit"] = (() => Submit(new DuplicateVoteEvidence(
            Equivocation.Vote(EvidenceTests.Byzantine, 4, type: VoteType.Prevote, block: Equivocation.BlockA),
            Equivocation.Vote(EvidenceTests.Byzantine, 4, type: VoteType.Precommit, block: Equivocation.BlockB))),
            LedgerErrors.EvidenceInvalid),
        ["votes at height 0"] = (() => Submit(Equivocation.Of(EvidenceTests.Byzantine, 0)), LedgerErrors.EvidenceInvalid),
        ["votes of a key that is not a validator"] = (() => Submit(Equivocation.Of(Bob, 4)), LedgerErrors.EvidenceUnknownValidator),
        ["votes signed for another chain"] = (() => Submit(Equivocation.Of(EvidenceTests.Byzantine, 4, chainId: new ChainId("pocc-other"))),
            LedgerErrors.EvidenceBadSignature),
        ["a vote signed by another key"] = (() => Submit(Forged()), LedgerErrors.EvidenceBadSignature),
        ["votes of the block being executed"] = (() => Submit(Equivocation.Of(EvidenceTests.Byzantine, 6)), LedgerErrors.EvidenceFromFuture),
        ["votes of a later height"] = (() => Submit(Equivocation.Of(EvidenceTests.Byzantine, 100)), LedgerErrors.EvidenceFromFuture),
        ["votes older than the age limit"] = (() => Submit(Equivocation.Of(EvidenceTests.Byzantine, 6 - MaxAge - 1)), LedgerErrors.EvidenceTooOld),
        ["evidence without the fee"] = (() => Equivocation.Submit(Alice, Equivocation.Of(EvidenceTests.Byzantine, 4)).WithFee(0).Signed(), LedgerErrors.FeeTooLow),
    };

    public static TheoryData<string> Names => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public void Invalid_evidence_is_left_out_and_refuses_a_block_that_carries_it(string name)
    {
        var (tx, code) = Cases[name];
        using var t = TestChain.Create(Genesis());
        t.ProduceEmpty(5);

        BlockchainRefusalTests.AssertRefused(t, tx(), code);
        Assert.False(t.Chain.GetValidator(EvidenceTests.Byzantine.Address)!.Jailed);
    }

    [Fact]
    public void Evidence_already_punished_is_refused_as_a_duplicate()
    {
        using var t = TestChain.Create(Genesis());
        t.ProduceEmpty(5);
        var evidence = Equivocation.Of(EvidenceTests.Byzantine, 4);
        Assert.Empty(t.Produce(Equivocation.Submit(Alice, evidence).WithNonce(0).Signed()).Rejected);

        BlockchainRefusalTests.AssertRefused(t, Equivocation.Submit(Alice, evidence).WithNonce(1).Signed(), LedgerErrors.EvidenceDuplicate);
    }

    [Fact]
    public void A_full_punishment_record_refuses_more_evidence()
    {
        using var t = TestChain.Create(Genesis());
        t.ProduceEmpty(5);
        var offences = Enumerable.Range(0, Validator.MaxPunished)
            .Select(round => Equivocation.Submit(Alice, Equivocation.Of(EvidenceTests.Byzantine, 4, round)).WithNonce((ulong)round).Signed())
            .ToArray();
        Assert.Empty(t.Produce(offences).Rejected);

        var next = Equivocation.Submit(Alice, Equivocation.Of(EvidenceTests.Byzantine, 4, Validator.MaxPunished)).WithNonce((ulong)offences.Length).Signed();
        BlockchainRefusalTests.AssertRefused(t, next, LedgerErrors.EvidenceRecordFull);
    }

    private static GenesisBuilder Genesis() => EvidenceTests.Genesis(p => p with { EvidenceMaxAgeBlocks = MaxAge });

    private static SignedTransaction Submit(DuplicateVoteEvidence evidence) => Equivocation.Submit(Alice, evidence).Signed();

    /// <summary>The byzantine validator's real prevote, and a "second" one claiming its address but signed by Bob.</summary>
    private static DuplicateVoteEvidence Forged()
    {
        var real = Equivocation.Vote(EvidenceTests.Byzantine, 4, block: Equivocation.BlockA);
        var bobs = Equivocation.Vote(Bob, 4, block: Equivocation.BlockB);
        return new DuplicateVoteEvidence(real, bobs with { Validator = EvidenceTests.Byzantine.Address });
    }
}
