using Pocc.Core.Encoding;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Transactions;

namespace Pocc.Ledger.Tasks;

/// <summary>Registers the sender as a worker, locking <paramref name="Stake"/> from its balance as identity stake.</summary>
public sealed record RegisterWorker(Amount Stake, WorkerCapabilities Capabilities) : TransactionPayload
{
    public override TransactionKind Kind => TransactionKind.RegisterWorker;

    internal override void WriteFields(ref CanonicalWriter writer)
    {
        writer.WriteU64(Stake.Value);
        writer.WriteU32((uint)Capabilities);
    }

    internal static RegisterWorker ReadFields(ref CanonicalReader reader) => new(new Amount(reader.ReadU64()), (WorkerCapabilities)reader.ReadU32());
}

/// <summary>Posts a task; <paramref name="Fee"/> moves from the sender's balance into escrow until the task closes.</summary>
public sealed record PostTask(TaskSpec Spec, Amount Fee) : TransactionPayload
{
    public override TransactionKind Kind => TransactionKind.PostTask;

    internal override void WriteFields(ref CanonicalWriter writer)
    {
        Spec.Write(ref writer);
        writer.WriteU64(Fee.Value);
    }

    internal static PostTask ReadFields(ref CanonicalReader reader) => new(TaskSpec.Read(ref reader), new Amount(reader.ReadU64()));
}

/// <summary>The assigned worker's commitment to its result: the result blob's root and size.</summary>
public sealed record CommitResult(ulong TaskId, BlobRef Result) : TransactionPayload
{
    public override TransactionKind Kind => TransactionKind.CommitResult;

    internal override void WriteFields(ref CanonicalWriter writer)
    {
        writer.WriteU64(TaskId);
        Result.Write(ref writer);
    }

    internal static CommitResult ReadFields(ref CanonicalReader reader) => new(reader.ReadU64(), BlobRef.Read(ref reader));
}

/// <summary>
/// A validator's verdict on a committed result, made with challenges drawn from the hash of the block that
/// recorded the commitment. Only a validator may send it, and every validator re-checks it before accepting
/// the block that carries it.
/// </summary>
public sealed record SubmitVerdict(ulong TaskId, TaskOutcome Outcome) : TransactionPayload
{
    public override TransactionKind Kind => TransactionKind.SubmitVerdict;

    internal override void WriteFields(ref CanonicalWriter writer)
    {
        writer.WriteU64(TaskId);
        writer.WriteU8((byte)Outcome);
    }

    internal static SubmitVerdict ReadFields(ref CanonicalReader reader) => new(reader.ReadU64(), (TaskOutcome)reader.ReadU8());
}

/// <summary>Adds <paramref name="Amount"/> from the sender's balance to its worker stake (so a penalised worker can get back above the minimum).</summary>
public sealed record AddWorkerStake(Amount Amount) : TransactionPayload
{
    public override TransactionKind Kind => TransactionKind.AddWorkerStake;

    internal override void WriteFields(ref CanonicalWriter writer) => writer.WriteU64(Amount.Value);
}

/// <summary>
/// Takes <paramref name="Amount"/> out of the sender's worker stake, allowed only while it holds no task; the tokens
/// return to the balance after the unbonding period, like unbonded validator stake.
/// </summary>
public sealed record WithdrawWorkerStake(Amount Amount) : TransactionPayload
{
    public override TransactionKind Kind => TransactionKind.WithdrawWorkerStake;

    internal override void WriteFields(ref CanonicalWriter writer) => writer.WriteU64(Amount.Value);
}
