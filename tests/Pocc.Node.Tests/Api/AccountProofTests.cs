using System.Text.Json;
using Pocc.Core.Addressing;
using Pocc.Core.Hashing;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.State;
using Pocc.Node.Tests.Builders;

namespace Pocc.Node.Tests.Api;

/// <summary>GET /v1/accounts/{address}: balances and nonces, and the sparse Merkle proof against the head's state root.</summary>
public sealed class AccountProofTests : IClassFixture<NodeFixture>
{
    private readonly NodeFixture _fixture;

    public AccountProofTests(NodeFixture fixture) => _fixture = fixture;

    private TestNode Node => _fixture.Node;

    [Fact]
    public async Task Reports_balance_and_nonce_after_a_transfer_with_proofs_that_verify_against_the_state_root()
    {
        var sender = _fixture.TakeFundedAccount();
        var recipient = TestKeys.Stranger("proof-recipient").Address;
        await Node.SubmitAndFinalizeAsync(Tx.Transfer(sender, recipient, 5_000).WithFee(25).Signed());

        var senderJson = await Node.GetJsonAsync($"/v1/accounts/{sender.Address}");
        var recipientJson = await Node.GetJsonAsync($"/v1/accounts/{recipient}");

        Assert.Equal((TestNode.FundedBalance - 5_025).ToString(System.Globalization.CultureInfo.InvariantCulture), senderJson.Str("balance"));
        Assert.Equal(1UL, senderJson.U64("nonce"));
        Assert.Equal("5000", recipientJson.Str("balance"));
        Assert.Equal(0UL, recipientJson.U64("nonce"));
        await AssertProvesInclusionAsync(senderJson, sender.Address);
        await AssertProvesInclusionAsync(recipientJson, recipient);
    }

    [Fact]
    public async Task Reports_an_unknown_address_as_empty_with_a_non_inclusion_proof()
    {
        var address = TestKeys.Stranger("never-seen").Address;
        await Node.WaitForHeightAsync(1);

        var json = await Node.GetJsonAsync($"/v1/accounts/{address}");

        Assert.Equal(address.ToString(), json.Str("address"));
        Assert.Equal("0", json.Str("balance"));
        Assert.Equal(0UL, json.U64("nonce"));
        Assert.Equal("0", json.Str("bonded"));
        var proof = json.GetProperty("proof");
        var key = StateKeys.Account(address);
        Assert.Equal(key, proof.Hash("key"));
        var root = json.Hash("state_root");
        var sparse = proof.ToSparseProof();
        Assert.True(sparse.VerifyNonInclusion(root, key), "the non-inclusion proof does not verify against the state root");
        Assert.False(sparse.VerifyInclusion(root, key, Blake3Hash.Of(Account.Empty.Encode())));
        await AssertRootIsCommittedAsync(json);
    }

    [Fact]
    public async Task Reports_the_genesis_bonded_stake_of_the_validator_with_a_proof()
    {
        var validator = TestKeys.Validator.Address;
        await Node.WaitForHeightAsync(1);

        var json = await Node.GetJsonAsync($"/v1/accounts/{validator}");

        Assert.Equal("1000000000", json.Str("bonded"));
        await AssertProvesInclusionAsync(json, validator);
    }

    [Fact]
    public async Task Accepts_an_upper_case_address_and_answers_with_the_canonical_form()
    {
        var address = TestKeys.Stranger("upper-case").Address;

        var json = await Node.GetJsonAsync($"/v1/accounts/{address.ToString().ToUpperInvariant()}");

        Assert.Equal(address.ToString(), json.Str("address"));
    }

    /// <summary>
    /// The proof in <paramref name="json"/> shows the account's key maps to value_hash under state_root; value_hash is
    /// BLAKE3 of the canonical encoding of the fields the JSON reports; and state_root is the header's at the reported height.
    /// </summary>
    private async Task AssertProvesInclusionAsync(JsonElement json, Address address)
    {
        var key = StateKeys.Account(address);
        var proofJson = json.GetProperty("proof");
        Assert.Equal(key, proofJson.Hash("key"));
        Assert.Equal(key, proofJson.Hash("leaf_key"));

        var account = new Account(
            new Amount(ulong.Parse(json.Str("balance"), System.Globalization.CultureInfo.InvariantCulture)),
            json.U64("nonce"),
            new Amount(ulong.Parse(json.Str("bonded"), System.Globalization.CultureInfo.InvariantCulture)),
            [.. json.GetProperty("unbonding").EnumerateArray().Select(u => new UnbondingEntry(
                new Amount(ulong.Parse(u.Str("amount"), System.Globalization.CultureInfo.InvariantCulture)), new Height(u.U64("release_height"))))]);
        var valueHash = Blake3Hash.Of(account.Encode());
        Assert.Equal(valueHash, json.Hash("value_hash"));

        var root = json.Hash("state_root");
        var proof = proofJson.ToSparseProof();
        Assert.True(proof.VerifyInclusion(root, key, valueHash), "the inclusion proof does not verify against the state root");
        Assert.False(proof.VerifyInclusion(root, key, Blake3Hash.Of((account with { Nonce = account.Nonce + 1 }).Encode())),
            "the proof verifies a value the account does not have");
        Assert.False(proof.VerifyNonInclusion(root, key));
        await AssertRootIsCommittedAsync(json);
    }

    /// <summary>The account's state root is the one the header at its reported height commits to (so height ≥ 1).</summary>
    private async Task AssertRootIsCommittedAsync(JsonElement account)
    {
        var block = await Node.GetJsonAsync($"/v1/blocks/{account.U64("height")}");
        Assert.Equal(account.Hash("state_root"), block.GetProperty("header").Hash("state_root"));
    }
}

