using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tests.Builders;
using Pocc.Ledger.Transactions;
using static Pocc.Ledger.Tests.Builders.TestKeys;

namespace Pocc.Ledger.Tests.Transactions;

public sealed class TransactionSignatureTests
{
    private static readonly SignedTransaction Original = Tx.Transfer(Alice, Bob, 100).WithNonce(4).WithFee(7).Signed();

    /// <summary>The original transaction with one field changed, keeping the original signature.</summary>
    public static TheoryData<string> Fields => ["chain id", "nonce", "fee", "amount", "recipient", "kind", "sender"];

    private static Transaction Change(Transaction tx, string field) => field switch
    {
        "chain id" => tx with { ChainId = new ChainId("pocc-other") },
        "nonce" => tx with { Nonce = tx.Nonce + 1 },
        "fee" => tx with { Fee = tx.Fee + new Amount(1) },
        "amount" => tx with { Payload = (Transfer)tx.Payload with { Amount = new Amount(101) } },
        "recipient" => tx with { Payload = (Transfer)tx.Payload with { To = Carol.Address } },
        "kind" => tx with { Payload = new Bond(new Amount(100)) },
        "sender" => tx with { Sender = Carol.PublicKey },
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };

    [Fact]
    public void Signature_by_the_sender_verifies()
    {
        Assert.True(Original.VerifySignature());
        Assert.Equal(Alice.Address, Original.Transaction.SenderAddress);
    }

    [Fact]
    public void Signature_by_another_key_does_not_verify()
    {
        var forged = Tx.Transfer(Alice, Bob, 100).SignedBy(Bob);
        Assert.False(forged.VerifySignature());
    }

    [Theory]
    [MemberData(nameof(Fields))]
    public void Changing_a_signed_field_invalidates_the_signature(string field)
    {
        var changed = Change(Original.Transaction, field);
        Assert.NotEqual(Original.Transaction, changed);
        var tampered = new SignedTransaction(changed, Original.Signature);
        Assert.False(tampered.VerifySignature());
        Assert.NotEqual(Original.Hash, tampered.Hash);
    }

    [Fact]
    public void Signing_with_a_key_that_is_not_the_senders_is_refused()
    {
        var tx = Tx.Transfer(Alice, Bob, 1).Build();
        Assert.Throws<ArgumentException>(() => tx.Sign(Bob));
        Assert.True(tx.Sign(Alice).VerifySignature());
    }

    [Fact]
    public void Signing_is_deterministic_and_the_hash_covers_the_signature()
    {
        var a = Tx.Transfer(Alice, Bob, 100).Signed();
        var b = Tx.Transfer(Alice, Bob, 100).Signed();
        Assert.Equal(a.Signature, b.Signature);
        Assert.Equal(a.Hash, b.Hash);
        var otherSignature = new SignedTransaction(a.Transaction, Bob.Sign(a.Transaction.SigningBytes()));
        Assert.NotEqual(a.Hash, otherSignature.Hash);
    }

    [Fact]
    public void Transaction_signed_for_another_chain_is_refused_with_wrong_chain_id()
    {
        using var chain = TestChain.Create();
        var foreign = Tx.Transfer(Alice, Bob, 100).OnChain("pocc-other").Signed();
        Assert.True(foreign.VerifySignature());

        var stateless = Assert.Throws<LedgerException>(() => chain.Chain.Transition.CheckStateless(foreign));
        Assert.Equal(LedgerErrors.WrongChainId, stateless.Code);

        var proposed = chain.Propose(foreign);
        Assert.Empty(proposed.Block.Transactions);
        Assert.Equal(LedgerErrors.WrongChainId, Assert.Single(proposed.Rejected).Code);
    }
}
