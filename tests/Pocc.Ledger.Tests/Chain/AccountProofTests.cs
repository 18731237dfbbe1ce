using Pocc.Core.Hashing;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.State;
using Pocc.Ledger.Tests.Builders;
using static Pocc.Ledger.Tests.Builders.TestKeys;

namespace Pocc.Ledger.Tests.Chain;

/// <summary>Account proofs verify against the state root that the head header commits to.</summary>
public sealed class AccountProofTests
{
    private static bool Proves(Hash32 root, Core.Merkle.SparseMerkleProof proof, Core.Addressing.Address address, Account account) =>
        proof.VerifyInclusion(root, StateKeys.Account(address), Blake3Hash.Of(account.Encode()));

    [Fact]
    public void Account_proof_at_genesis_verifies_against_the_genesis_state_root()
    {
        using var t = TestChain.Create();
        var (account, proof, root, header) = t.Chain.GetAccountWithProof(Alice.Address);

        Assert.Null(header);
        Assert.Equal(t.Chain.StateRoot, root);
        Assert.Equal(GenesisBuilder.DefaultBalance, account.Balance.Value);
        Assert.True(Proves(root, proof, Alice.Address, account));
    }

    [Fact]
    public void Account_proofs_verify_against_the_head_headers_state_root()
    {
        using var t = TestChain.Create();
        t.Produce(Tx.Transfer(Alice, Bob, 10).Signed(), Tx.Bond(Carol, 5).Signed());
        t.Produce(Tx.Unbond(Carol, 2).WithNonce(1).Signed());

        foreach (var address in TestKeys.FundedLabels.Append("validator").Select(label => Of(label).Address))
        {
            var (account, proof, root, header) = t.Chain.GetAccountWithProof(address);
            Assert.NotNull(header);
            Assert.Equal(header.StateRoot, root);
            Assert.Equal(t.Chain.GetAccount(address).Encode(), account.Encode());
            Assert.True(Proves(root, proof, address, account));
        }
    }

    [Fact]
    public void Account_proof_does_not_verify_a_different_account_key_or_root()
    {
        using var t = TestChain.Create();
        t.Produce(Tx.Transfer(Alice, Bob, 10).Signed());
        var (account, proof, root, _) = t.Chain.GetAccountWithProof(Alice.Address);

        Assert.False(Proves(root, proof, Alice.Address, account with { Balance = account.Balance + new Amount(1) }));
        Assert.False(Proves(root, proof, Alice.Address, account with { Nonce = account.Nonce + 1 }));
        Assert.False(Proves(root, proof, Bob.Address, account));
        Assert.False(Proves(t.Chain.GetHeader(new Height(1))!.PreviousHash, proof, Alice.Address, account));
    }

    [Fact]
    public void Old_proof_does_not_verify_against_a_later_root()
    {
        using var t = TestChain.Create();
        var (account, proof, _, _) = t.Chain.GetAccountWithProof(Alice.Address);
        t.Produce(Tx.Transfer(Alice, Bob, 10).Signed());

        Assert.False(Proves(t.Chain.StateRoot, proof, Alice.Address, account));
    }

    [Fact]
    public void Unknown_address_has_a_proof_of_absence()
    {
        using var t = TestChain.Create();
        t.Produce(Tx.Transfer(Alice, Bob, 10).Signed());
        var stranger = Of("stranger").Address;

        var (account, proof, root, _) = t.Chain.GetAccountWithProof(stranger);

        Assert.True(account.IsEmpty);
        Assert.True(proof.VerifyNonInclusion(root, StateKeys.Account(stranger)));
        Assert.False(Proves(root, proof, stranger, account));
        Assert.False(t.Chain.GetAccountWithProof(Alice.Address).Proof.VerifyNonInclusion(root, StateKeys.Account(Alice.Address)));
    }

    [Fact]
    public void Account_proof_verifies_after_a_restart()
    {
        using var t = TestChain.Create();
        t.Produce(Tx.Transfer(Alice, Bob, 10).Signed());
        t.Reopen();

        var (account, proof, root, header) = t.Chain.GetAccountWithProof(Bob.Address);

        Assert.Equal(header!.StateRoot, root);
        Assert.True(Proves(root, proof, Bob.Address, account));
    }
}
