using Pocc.Core.Addressing;
using Pocc.Core.Crypto;
using Pocc.Core.Encoding;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.State;

namespace Pocc.Ledger.Consensus;

/// <summary>
/// Proof that one validator signed two different votes of the same type at the same height and round: both signed
/// votes, which anyone holding the validator's key can check. The consensus machine reports it; the
/// <see cref="SubmitEvidence"/> transaction carries it to the ledger, which slashes and jails.
/// </summary>
public sealed record DuplicateVoteEvidence(Vote First, Vote Second) : ICanonical<DuplicateVoteEvidence>
{
    public const int MaxEncodedSize = 2 * Vote.MaxEncodedSize;

    public Address Validator => First.Validator;

    public Height Height => First.Height;

    /// <summary>The offence this evidence proves; one offence is punished once whatever its vote type.</summary>
    public EquivocationKey Key => new(First.Height.Value, (uint)First.Round);

    /// <summary>True when the two votes are of the same validator, type, height and round but for different values.</summary>
    public bool IsConflict =>
        First.Validator == Second.Validator && First.Type == Second.Type && First.Height == Second.Height &&
        First.Round == Second.Round && First.BlockHash != Second.BlockHash;

    /// <summary>True when the votes conflict and <paramref name="publicKey"/>, the validator's key, signed both on <paramref name="chainId"/>.</summary>
    public bool Verify(ChainId chainId, PublicKey publicKey) =>
        IsConflict && First.Verify(chainId, publicKey) && Second.Verify(chainId, publicKey);

    public void Write(ref CanonicalWriter writer)
    {
        First.Write(ref writer);
        Second.Write(ref writer);
    }

    public static DuplicateVoteEvidence Read(ref CanonicalReader reader) => new(Vote.Read(ref reader), Vote.Read(ref reader));

    public static DuplicateVoteEvidence Decode(ReadOnlySpan<byte> bytes) => Canonical.Decode<DuplicateVoteEvidence>(bytes, MaxEncodedSize);
}
