namespace Pocc.Ledger.Tasks;

/// <summary>What a task computes. Values are consensus: never renumber.</summary>
public enum TaskKind : byte
{
    /// <summary>C = A·B over float64, checked by Freivalds' algorithm within the task's stated tolerance.</summary>
    MatmulFloat64 = 1,

    /// <summary>C = A·B over the integers modulo 2^61 − 1, checked exactly by Freivalds' algorithm.</summary>
    MatmulMod61 = 2,
}

/// <summary>What a worker declares it can run, as bits of a mask.</summary>
[Flags]
public enum WorkerCapabilities : uint
{
    None = 0,
    MatmulFloat64 = 1 << 0,
    MatmulMod61 = 1 << 1,
}

/// <summary>Mapping between task kinds and the capability they need.</summary>
public static class TaskKinds
{
    public static WorkerCapabilities RequiredCapability(TaskKind kind) => kind switch
    {
        TaskKind.MatmulFloat64 => WorkerCapabilities.MatmulFloat64,
        TaskKind.MatmulMod61 => WorkerCapabilities.MatmulMod61,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown task kind"),
    };

    public static bool IsDefined(TaskKind kind) => kind is TaskKind.MatmulFloat64 or TaskKind.MatmulMod61;

    public const WorkerCapabilities All = WorkerCapabilities.MatmulFloat64 | WorkerCapabilities.MatmulMod61;
}
