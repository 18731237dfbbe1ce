using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tasks;

namespace Pocc.Client.Tasks;

/// <summary>How a matrix-multiplication task is posted: the fee escrowed for the worker, how its result is checked, its deadline.</summary>
public sealed record MatmulTaskOptions
{
    /// <summary>Default Freivalds rounds for mod61: 2 rounds give 122 bits of soundness.</summary>
    public const byte DefaultMod61Rounds = 2;

    /// <summary>
    /// Default Freivalds rounds for f64: an error beyond the tolerance survives with probability ≤ 2^-16. Each f64 round
    /// costs three reproducible matrix-vector products, so rounds are not free against a fast dgemm.
    /// </summary>
    public const byte DefaultFloat64Rounds = 16;

    /// <summary>Default f64 relative tolerance, in parts per billion (10 ppb = 1e-8, far above dgemm rounding at any allowed size).</summary>
    public const uint DefaultTolerancePpb = 10;

    /// <summary>Default number of blocks the assigned worker has to commit a result.</summary>
    public const uint DefaultDeadlineBlocks = 300;

    /// <summary>The fee escrowed for the worker (the task's, not the posting transaction's).</summary>
    public required Amount Fee { get; init; }

    /// <summary>Freivalds rounds; null for the default of the kind (<see cref="DefaultRounds"/>).</summary>
    public byte? Rounds { get; init; }

    /// <summary>f64 only: relative tolerance in parts per billion; null for <see cref="DefaultTolerancePpb"/>. Ignored for mod61, which is exact.</summary>
    public uint? TolerancePpb { get; init; }

    /// <summary>Blocks the assigned worker has to commit a result.</summary>
    public uint DeadlineBlocks { get; init; } = DefaultDeadlineBlocks;

    /// <summary>The default Freivalds rounds of <paramref name="kind"/>.</summary>
    public static byte DefaultRounds(TaskKind kind) => kind == TaskKind.MatmulMod61 ? DefaultMod61Rounds : DefaultFloat64Rounds;

    /// <summary>The spec of C = A·B for <paramref name="a"/> (rows × inner) and <paramref name="b"/> (inner × columns) with these options.</summary>
    public TaskSpec ToSpec(TaskKind kind, uint rows, uint inner, uint columns, BlobRef a, BlobRef b) =>
        new(kind, rows, inner, columns, a, b, kind == TaskKind.MatmulMod61 ? 0 : TolerancePpb ?? DefaultTolerancePpb,
            Rounds ?? DefaultRounds(kind), 1, DeadlineBlocks);
}
