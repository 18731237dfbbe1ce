using Pocc.Ledger.Tests.Builders;
using Pocc.Ledger.Tests.State;
using Pocc.Ledger.Transactions;
using static Pocc.Ledger.Tests.Builders.TestKeys;

namespace Pocc.Ledger.Tests.Chain;

/// <summary>Invalid transactions: a proposer leaves them out with their code; a block carrying one is refused whole.</summary>
public sealed class BlockchainRefusalTests
{
    public static TheoryData<string> Refusals => Refusal.Names;

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Invalid_transaction_is_left_out_of_a_proposal_and_refuses_a_block_that_carries_it(string name)
    {
        var refusal = Refusal.Get(name);
        using var t = TestChain.Create(Refusal.Genesis());
        if (refusal.Prelude.Length > 0)
        {
            var prelude = t.Produce(refusal.Prelude);
            Assert.Empty(prelude.Rejected);
        }
        AssertRefused(t, refusal.Transaction, refusal.Code);
    }

    [Fact]
    public void Transaction_with_a_bad_signature_is_refused()
    {
        using var t = TestChain.Create();
        AssertRefused(t, Tx.Transfer(Alice, Bob, 1).SignedBy(Bob), LedgerErrors.BadSignature);
    }

    [Fact]
    public void Refused_transaction_does_not_use_up_its_nonce()
    {
        using var t = TestChain.Create();
        var produced = t.Produce(
            Tx.Transfer(Alice, Bob, GenesisBuilder.DefaultBalance).WithNonce(0).Signed(),
            Tx.Transfer(Alice, Bob, 1).WithNonce(0).Signed());

        Assert.Equal(LedgerErrors.InsufficientFunds, Assert.Single(produced.Rejected).Code);
        Assert.Single(produced.Block.Transactions);
        Assert.Equal(1UL, t.Chain.GetAccount(Alice.Address).Nonce);
    }

    [Fact]
    public void A_later_failure_of_the_same_sender_leaves_the_earlier_transactions_in_the_block()
    {
        using var t = TestChain.Create();
        var first = Tx.Transfer(Alice, Bob, GenesisBuilder.DefaultBalance / 2).WithNonce(0).Signed();
        var second = Tx.Transfer(Alice, Bob, GenesisBuilder.DefaultBalance / 2).WithNonce(1).Signed();
        var third = Tx.Transfer(Alice, Carol, 1).WithNonce(1).Signed();

        var produced = t.Produce(first, second, third);

        Assert.Equal([first.Hash, third.Hash], produced.Block.Transactions.Select(tx => tx.Hash));
        Assert.Equal(second.Hash, Assert.Single(produced.Rejected).Transaction.Hash);
        Assert.Equal(2UL, t.Chain.GetAccount(Alice.Address).Nonce);
    }

    [Fact]
    public void Fee_and_amount_that_overflow_are_refused_as_insufficient_funds()
    {
        using var t = TestChain.Create();
        AssertRefused(t, Tx.Transfer(Alice, Bob, 1).WithFee(ulong.MaxValue).Signed(), LedgerErrors.InsufficientFunds);
    }

    /// <summary>The proposer leaves <paramref name="bad"/> out with <paramref name="code"/>, a block carrying it is refused with the same code, and nothing changes.</summary>
    internal static void AssertRefused(TestChain t, SignedTransaction bad, string code)
    {
        var recipient = bad.Transaction.Payload is Transfer transfer ? [transfer.To] : Array.Empty<Core.Addressing.Address>();
        var before = ChainSnapshot.Of(t.Chain, recipient);

        var proposed = t.Propose(bad);
        Assert.Empty(proposed.Block.Transactions);
        var rejected = Assert.Single(proposed.Rejected);
        Assert.Equal(code, rejected.Code);
        Assert.Same(bad, rejected.Transaction);

        var forged = Tamper.Transactions(proposed.Block, [bad]);
        var error = Assert.Throws<LedgerException>(() => t.Chain.Apply(forged, t.SignCommit(forged)));
        Assert.Equal(code, error.Code);
        Assert.Equal(before, ChainSnapshot.Of(t.Chain, recipient));

        // The chain is still usable: the honest proposal commits.
        t.Chain.Commit(proposed, t.SignCommit(proposed.Block));
        Assert.Equal(before.Height.Next, t.Chain.Height);
    }
}
