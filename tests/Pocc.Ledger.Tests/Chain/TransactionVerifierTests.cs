using Pocc.Ledger.Chain;
using Pocc.Ledger.Tests.Builders;
using Pocc.Ledger.Transactions;
using static Pocc.Ledger.Tests.Builders.TestKeys;

namespace Pocc.Ledger.Tests.Chain;

public sealed class TransactionVerifierTests
{
    private static SignedTransaction Send(ulong nonce) => Tx.Transfer(Alice, Bob, 1).WithNonce(nonce).Signed();

    [Fact]
    public void Remembers_a_verified_transaction_once()
    {
        var verifier = new TransactionVerifier();
        var tx = Send(0);

        Assert.True(verifier.Verify(tx));
        Assert.True(verifier.Verify(tx));

        Assert.Equal(1, verifier.Remembered);
    }

    [Fact]
    public void A_remembered_transaction_does_not_vouch_for_the_same_body_under_another_signature()
    {
        var verifier = new TransactionVerifier();
        var builder = Tx.Transfer(Alice, Bob, 1);
        Assert.True(verifier.Verify(builder.Signed()));

        Assert.False(verifier.Verify(builder.SignedBy(Carol)));
        Assert.Equal(1, verifier.Remembered);
    }

    [Fact]
    public void Memory_stays_within_two_generations_and_a_forgotten_transaction_is_verified_again()
    {
        var verifier = new TransactionVerifier(generationSize: 4);
        var transactions = Enumerable.Range(0, 20).Select(i => Send((ulong)i)).ToArray();

        foreach (var tx in transactions)
        {
            Assert.True(verifier.Verify(tx));
            Assert.InRange(verifier.Remembered, 1, 8);
        }
        Assert.True(verifier.Verify(transactions[0]));
    }

    [Fact]
    public void Verifying_in_parallel_stays_bounded_and_flags_exactly_the_bad_signatures()
    {
        var verifier = new TransactionVerifier(generationSize: 100);
        var transactions = Enumerable.Range(0, 1_000)
            .Select(i => i % 97 == 0 ? Tx.Transfer(Alice, Bob, 1).WithNonce((ulong)i).SignedBy(Carol) : Send((ulong)i))
            .ToArray();

        var results = verifier.VerifyAll(transactions);

        Assert.Equal(Enumerable.Range(0, 1_000).Select(i => i % 97 != 0), results);
        Assert.InRange(verifier.Remembered, 1, 200);
    }
}
