using Pocc.Core.Encoding;
using Pocc.Ledger.Transactions;

namespace Pocc.Ledger.Consensus;

/// <summary>
/// Reports a validator's equivocation. Anyone may send it (and pays the fee); the ledger checks the evidence against
/// the validator's key in state, then slashes part of its stake, jails it and pays the sender a share of the slash.
/// </summary>
public sealed record SubmitEvidence(DuplicateVoteEvidence Evidence) : TransactionPayload
{
    public override TransactionKind Kind => TransactionKind.SubmitEvidence;

    internal override void WriteFields(ref CanonicalWriter writer) => Evidence.Write(ref writer);

    internal static SubmitEvidence ReadFields(ref CanonicalReader reader) => new(DuplicateVoteEvidence.Read(ref reader));
}
