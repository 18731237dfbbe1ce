using Pocc.Proofs.Stark.Tasks;

namespace Pocc.Ledger.Tasks;

/// <summary>What a task computes. Values are consensus: never renumber.</summary>
public enum TaskKind : byte
{
    /// <summary>C = A·B over float64, checked by Freivalds' algorithm within the task's stated tolerance.</summary>
    MatmulFloat64 = 1,

    /// <summary>C = A·B over the integers modulo 2^61 − 1, checked exactly by Freivalds' algorithm.</summary>
    MatmulMod61 = 2,

    /// <summary>A width-4 arithmetic permutation iterated a stated number of steps (a delay-style task), proven with a STARK.</summary>
    StarkPermutationChain = 3,

    /// <summary>The affine recurrence v ← A·v + b over Goldilocks iterated a stated number of steps, proven with a STARK.</summary>
    StarkMatrixRecurrence = 4,
}

/// <summary>How validators check a committed result without re-running the task.</summary>
public enum VerificationPolicy
{
    /// <summary>Freivalds' probabilistic check of a matrix product against the inputs, with challenges from the commit block's hash.</summary>
    Freivalds,

    /// <summary>A STARK proof in the result blob, checked against the task's public inputs and claimed outputs.</summary>
    Stark,
}

/// <summary>What a worker declares it can run, as bits of a mask.</summary>
[Flags]
public enum WorkerCapabilities : uint
{
    None = 0,
    MatmulFloat64 = 1 << 0,
    MatmulMod61 = 1 << 1,
    StarkPermutationChain = 1 << 2,
    StarkMatrixRecurrence = 1 << 3,
}

/// <summary>Mapping between task kinds, the capability they need and how they are verified.</summary>
public static class TaskKinds
{
    public static WorkerCapabilities RequiredCapability(TaskKind kind) => kind switch
    {
        TaskKind.MatmulFloat64 => WorkerCapabilities.MatmulFloat64,
        TaskKind.MatmulMod61 => WorkerCapabilities.MatmulMod61,
        TaskKind.StarkPermutationChain => WorkerCapabilities.StarkPermutationChain,
        TaskKind.StarkMatrixRecurrence => WorkerCapabilities.StarkMatrixRecurrence,
        _ => throw Unknown(kind),
    };

    public static bool IsDefined(TaskKind kind) =>
        kind is TaskKind.MatmulFloat64 or TaskKind.MatmulMod61 or TaskKind.StarkPermutationChain or TaskKind.StarkMatrixRecurrence;

    public static VerificationPolicy Policy(TaskKind kind) => kind switch
    {
        TaskKind.MatmulFloat64 or TaskKind.MatmulMod61 => VerificationPolicy.Freivalds,
        TaskKind.StarkPermutationChain or TaskKind.StarkMatrixRecurrence => VerificationPolicy.Stark,
        _ => throw Unknown(kind),
    };

    /// <summary>The computation a STARK task kind proves; throws for a kind verified otherwise.</summary>
    public static StarkComputation StarkComputation(TaskKind kind) => kind switch
    {
        TaskKind.StarkPermutationChain => Proofs.Stark.Tasks.StarkComputation.PermutationChain,
        TaskKind.StarkMatrixRecurrence => Proofs.Stark.Tasks.StarkComputation.MatrixRecurrence,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a STARK task kind"),
    };

    /// <summary>The task kind that proves <paramref name="computation"/>.</summary>
    public static TaskKind ForStarkComputation(StarkComputation computation) => computation switch
    {
        Proofs.Stark.Tasks.StarkComputation.PermutationChain => TaskKind.StarkPermutationChain,
        Proofs.Stark.Tasks.StarkComputation.MatrixRecurrence => TaskKind.StarkMatrixRecurrence,
        _ => throw new ArgumentOutOfRangeException(nameof(computation), computation, "unknown STARK computation"),
    };

    public const WorkerCapabilities All = WorkerCapabilities.MatmulFloat64 | WorkerCapabilities.MatmulMod61
        | WorkerCapabilities.StarkPermutationChain | WorkerCapabilities.StarkMatrixRecurrence;

    private static ArgumentOutOfRangeException Unknown(TaskKind kind) => new(nameof(kind), kind, "unknown task kind");
}
