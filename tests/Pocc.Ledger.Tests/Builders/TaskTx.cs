using Pocc.Proofs.Stark.Tasks;
using Pocc.Core.Crypto;
using Pocc.Core.Hashing;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tasks;

namespace Pocc.Ledger.Tests.Builders;

/// <summary>Starts a compute-market transaction: <c>TaskTx.Post(dave, Specs.Mod61(), 100_000).WithNonce(1).Signed()</c>.</summary>
internal static class TaskTx
{
    /// <summary>Twice the default minimum worker stake, so one 50% slash leaves the worker eligible.</summary>
    public const ulong DefaultStake = 2_000_000;

    public const ulong DefaultTaskFee = 100_000;

    public static TxBuilder Register(KeyPair from, ulong stake = DefaultStake, WorkerCapabilities capabilities = TaskKinds.All) =>
        new(from, new RegisterWorker(new Amount(stake), capabilities));

    public static TxBuilder Post(KeyPair from, TaskSpec spec, ulong fee = DefaultTaskFee) => new(from, new PostTask(spec, new Amount(fee)));

    public static TxBuilder Commit(KeyPair from, ulong taskId, BlobRef result) => new(from, new CommitResult(taskId, result));

    public static TxBuilder Verdict(KeyPair from, ulong taskId, TaskOutcome outcome) => new(from, new SubmitVerdict(taskId, outcome));

    public static TxBuilder AddStake(KeyPair from, ulong amount) => new(from, new AddWorkerStake(new Amount(amount)));

    public static TxBuilder WithdrawStake(KeyPair from, ulong amount) => new(from, new WithdrawWorkerStake(new Amount(amount)));
}

/// <summary>Valid task specs with blob sizes that match their shapes; change fields with <c>with</c>.</summary>
internal static class Specs
{
    public static TaskSpec Mod61(uint rows = 2, uint inner = 3, uint columns = 4, uint deadline = 5, byte rounds = 2) =>
        new(TaskKind.MatmulMod61, rows, inner, columns, Blob("A", rows, inner), Blob("B", inner, columns), 0, rounds, 1, deadline);

    public static TaskSpec Float64(uint rows = 2, uint inner = 3, uint columns = 4, uint deadline = 5, uint tolerancePpb = 1_000, byte rounds = 20) =>
        new(TaskKind.MatmulFloat64, rows, inner, columns, Blob("A", rows, inner), Blob("B", inner, columns), tolerancePpb, rounds, 1, deadline);

    /// <summary>A STARK task of <paramref name="steps"/> steps asking for <paramref name="bits"/> bits, with an inputs blob of the right size.</summary>
    public static TaskSpec Stark(TaskKind kind = TaskKind.StarkPermutationChain, uint steps = 1_000, byte bits = 96, uint deadline = 5) =>
        new(kind, steps, 0, 0,
            new BlobRef(Blake3Hash.Of(System.Text.Encoding.UTF8.GetBytes($"stark-inputs/{kind}")), (ulong)StarkTaskBlobs.InputsSize(TaskKinds.StarkComputation(kind))),
            default, 0, bits, 1, deadline);

    /// <summary>A STARK result blob reference of <paramref name="size"/> bytes.</summary>
    public static BlobRef StarkResult(ulong size = 60_000, string label = "proof") =>
        new(Blake3Hash.Of(System.Text.Encoding.UTF8.GetBytes(label)), size);

    /// <summary>A blob reference of the right size for a rows×cols matrix; the root is a stand-in named by <paramref name="label"/>.</summary>
    public static BlobRef Blob(string label, uint rows, uint cols) =>
        new(Blake3Hash.Of(System.Text.Encoding.UTF8.GetBytes($"{label}/{rows}x{cols}")), TaskRules.MatrixBytes(rows, cols));

    /// <summary>A result blob of the right size for <paramref name="spec"/> (rows × columns).</summary>
    public static BlobRef Result(TaskSpec spec, string label = "C") => Blob(label, spec.Rows, spec.Columns);

    /// <summary>The spec with its input blob sizes recomputed from its (possibly changed) dimensions.</summary>
    public static TaskSpec Reshaped(TaskSpec spec) => spec with
    {
        InputA = spec.InputA with { Size = TaskRules.MatrixBytes(spec.Rows, spec.Inner) },
        InputB = spec.InputB with { Size = TaskRules.MatrixBytes(spec.Inner, spec.Columns) },
    };
}
