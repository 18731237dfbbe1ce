using System.Globalization;
using Pocc.Client.Models;
using Pocc.Core.Addressing;
using Pocc.Core.Hashing;
using Pocc.Core.Merkle;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.State;

namespace Pocc.Client.Proofs;

/// <summary>
/// Checks the proofs the node sends, so a caller need not take its word: a transaction's inclusion under a block's
/// transactions root, an account's state under a state root. Each check is against the root named in the same
/// answer; a caller that trusts a header (for example one whose commit it checked) compares that root with the header's.
/// </summary>
public static class ProofChecks
{
    /// <summary>
    /// True when <paramref name="lookup"/> is finalized and its Merkle proof puts the transaction's id at its index under
    /// <see cref="TransactionLookupModel.TransactionsRoot"/>. False for a pending transaction or a proof that fails.
    /// </summary>
    public static bool ProvesInclusion(this TransactionLookupModel lookup)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        if (lookup is not { Status: "finalized", Proof: { } proof, TransactionsRoot: { } rootText, Index: { } index } || proof.LeafIndex != index)
        {
            return false;
        }
        return Hash32.TryParse(lookup.Hash, out var id) && Hash32.TryParse(rootText, out var root) && TryParse(proof.Siblings, out var siblings)
            && new MerkleProof(proof.LeafIndex, proof.LeafCount, siblings).Verify(root, id);
    }

    /// <summary>
    /// True when <paramref name="account"/>'s sparse Merkle proof shows exactly the balance, nonce, bonded stake and
    /// unbondings it reports under its <see cref="AccountModel.StateRoot"/>: by inclusion of their hash, or, for an
    /// account the state does not hold, by non-inclusion of its key (and then every figure must be zero).
    /// </summary>
    public static bool ProvesState(this AccountModel account)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (!Address.TryParse(account.Address, out var address) || !Hash32.TryParse(account.StateRoot, out var root)
            || !TryAmount(account.Balance, out var balance) || !TryAmount(account.Bonded, out var bonded) || !TryParse(account.Proof.Siblings, out var siblings))
        {
            return false;
        }
        var unbonding = new List<UnbondingEntry>(account.Unbonding.Count);
        foreach (var entry in account.Unbonding)
        {
            if (!TryAmount(entry.Amount, out var amount))
            {
                return false;
            }
            unbonding.Add(new UnbondingEntry(amount, new Height(entry.ReleaseHeight)));
        }
        var state = new Account(balance, account.Nonce, bonded, [.. unbonding]);
        var key = StateKeys.Account(address);
        KeyValuePair<Hash32, Hash32>? leaf = null;
        if (account.Proof.LeafKey is { } leafKey)
        {
            if (!Hash32.TryParse(leafKey, out var parsedKey) || !Hash32.TryParse(account.Proof.LeafValueHash, out var parsedValue))
            {
                return false;
            }
            leaf = new(parsedKey, parsedValue);
        }
        var proof = new SparseMerkleProof(siblings, leaf);
        var valueHash = Blake3Hash.Of(state.Encode());
        return account.ValueHash == valueHash.ToString()
            && (proof.VerifyInclusion(root, key, valueHash) || (state.IsEmpty && proof.VerifyNonInclusion(root, key)));
    }

    private static bool TryParse(IReadOnlyList<string> hashes, out List<Hash32> parsed)
    {
        parsed = new List<Hash32>(hashes.Count);
        foreach (var text in hashes)
        {
            if (!Hash32.TryParse(text, out var hash))
            {
                return false;
            }
            parsed.Add(hash);
        }
        return true;
    }

    private static bool TryAmount(string text, out Amount amount)
    {
        bool ok = ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value);
        amount = new Amount(value);
        return ok;
    }
}
