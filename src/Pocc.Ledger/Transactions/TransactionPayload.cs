using Pocc.Core.Addressing;
using Pocc.Core.Encoding;
using Pocc.Ledger.Primitives;

namespace Pocc.Ledger.Transactions;

/// <summary>What a transaction does. Each kind encodes its own fields after the kind tag.</summary>
public abstract record TransactionPayload
{
    public abstract TransactionKind Kind { get; }

    internal abstract void WriteFields(ref CanonicalWriter writer);

    internal static TransactionPayload Read(TransactionKind kind, ref CanonicalReader reader) => kind switch
    {
        TransactionKind.Transfer => new Transfer(reader.ReadAddress(), new Amount(reader.ReadU64())),
        TransactionKind.Bond => new Bond(new Amount(reader.ReadU64())),
        TransactionKind.Unbond => new Unbond(new Amount(reader.ReadU64())),
        TransactionKind.RegisterWorker => Tasks.RegisterWorker.ReadFields(ref reader),
        TransactionKind.PostTask => Tasks.PostTask.ReadFields(ref reader),
        TransactionKind.CommitResult => Tasks.CommitResult.ReadFields(ref reader),
        TransactionKind.SubmitVerdict => Tasks.SubmitVerdict.ReadFields(ref reader),
        TransactionKind.AddWorkerStake => new Tasks.AddWorkerStake(new Amount(reader.ReadU64())),
        TransactionKind.WithdrawWorkerStake => new Tasks.WithdrawWorkerStake(new Amount(reader.ReadU64())),
        TransactionKind.SubmitEvidence => Consensus.SubmitEvidence.ReadFields(ref reader),
        TransactionKind.Unjail => new Consensus.Unjail(),
        _ => throw new CodecException(CodecException.InvalidValue, $"unknown transaction kind {(byte)kind}"),
    };
}

/// <summary>Moves <paramref name="Amount"/> from the sender's balance to <paramref name="To"/>.</summary>
public sealed record Transfer(Address To, Amount Amount) : TransactionPayload
{
    public override TransactionKind Kind => TransactionKind.Transfer;

    internal override void WriteFields(ref CanonicalWriter writer)
    {
        writer.WriteAddress(To);
        writer.WriteU64(Amount.Value);
    }
}

/// <summary>Locks <paramref name="Amount"/> of the sender's balance as stake.</summary>
public sealed record Bond(Amount Amount) : TransactionPayload
{
    public override TransactionKind Kind => TransactionKind.Bond;

    internal override void WriteFields(ref CanonicalWriter writer) => writer.WriteU64(Amount.Value);
}

/// <summary>Starts releasing <paramref name="Amount"/> of stake; it returns to the balance after the unbonding period.</summary>
public sealed record Unbond(Amount Amount) : TransactionPayload
{
    public override TransactionKind Kind => TransactionKind.Unbond;

    internal override void WriteFields(ref CanonicalWriter writer) => writer.WriteU64(Amount.Value);
}
