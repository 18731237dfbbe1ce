using Pocc.Core.Addressing;
using Pocc.Core.Crypto;
using Pocc.Ledger.Primitives;

namespace Pocc.Ledger.Consensus;

/// <summary>
/// Proof that one validator signed two different votes of the same type at the same height and round: both signed
/// votes, which anyone holding the validator's key can check. A later change turns it into a slashing transaction.
/// </summary>
public sealed record DuplicateVoteEvidence(Vote First, Vote Second)
{
    public Address Validator => First.Validator;

    public Height Height => First.Height;

    /// <summary>True when the two votes are of the same validator, type, height and round but for different values.</summary>
    public bool IsConflict =>
        First.Validator == Second.Validator && First.Type == Second.Type && First.Height == Second.Height &&
        First.Round == Second.Round && First.BlockHash != Second.BlockHash;

    /// <summary>True when the votes conflict and <paramref name="publicKey"/>, the validator's key, signed both on <paramref name="chainId"/>.</summary>
    public bool Verify(ChainId chainId, PublicKey publicKey) =>
        IsConflict && First.Verify(chainId, publicKey) && Second.Verify(chainId, publicKey);
}
