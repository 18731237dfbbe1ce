using System.Numerics;
using Pocc.Proofs.Stark.Air;

namespace Pocc.Proofs.Stark.Tasks;

/// <summary>The computations a task can ask to be run and proven with a STARK. Values are consensus: never renumber.</summary>
public enum StarkComputation : byte
{
    /// <summary><see cref="PermutationChainAir"/>: inputs are the initial 4-element state.</summary>
    PermutationChain = 1,

    /// <summary><see cref="MatrixRecurrenceAir"/>: inputs are A (16 elements, row-major), b (4) and v_0 (4).</summary>
    MatrixRecurrence = 2,
}

/// <summary>
/// What a task's statement is for each <see cref="StarkComputation"/>: how many input and output elements it has,
/// its native run, its AIR and the work one step stands for. The single place the ledger, the verifier and the worker
/// take these from.
/// </summary>
public static class StarkComputations
{
    /// <summary>
    /// The fewest steps a task may ask for: a trace of 64 rows, so FRI's first layer (2·rows at blowup 8 and folding 4)
    /// has room for the distinct queries of any security the field term allows at that size.
    /// </summary>
    public const int MinSteps = 63;

    /// <summary>The most steps a task may ask for: a trace of 2^20 rows, the size the benchmarks hold the prover to.</summary>
    public const int MaxSteps = (1 << 20) - 1;

    /// <summary>Both computations end in a 4-element state.</summary>
    public const int OutputElements = 4;

    public static bool IsDefined(StarkComputation computation) =>
        computation is StarkComputation.PermutationChain or StarkComputation.MatrixRecurrence;

    public static int InputElements(StarkComputation computation) => computation switch
    {
        StarkComputation.PermutationChain => PermutationChainAir.Width,
        StarkComputation.MatrixRecurrence => MatrixRecurrenceAir.Dimension * (MatrixRecurrenceAir.Dimension + 2),
        _ => throw Unknown(computation),
    };

    /// <summary>The trace rows a statement of <paramref name="steps"/> steps needs: a power of two above the step count.</summary>
    public static int TraceLength(StarkComputation computation, int steps)
    {
        CheckSteps(steps);
        int rows = (int)BitOperations.RoundUpToPowerOf2((uint)steps + 1);
        return computation switch
        {
            StarkComputation.PermutationChain => Math.Max(PermutationChainAir.RoundPeriod, rows),
            StarkComputation.MatrixRecurrence => rows,
            _ => throw Unknown(computation),
        };
    }

    /// <summary>
    /// Field operations (multiplications and additions) in one native step: the chain's S-boxes cost 4 multiplications
    /// per element and its MDS layer 16 multiplications and 16 additions (constants included); the recurrence's
    /// matrix-vector product 16 and 16.
    /// </summary>
    public static ulong OperationsPerStep(StarkComputation computation) => computation switch
    {
        StarkComputation.PermutationChain => 48,
        StarkComputation.MatrixRecurrence => 32,
        _ => throw Unknown(computation),
    };

    /// <summary>The outputs after <paramref name="steps"/> steps from <paramref name="inputs"/>, without a trace.</summary>
    public static Goldilocks[] Compute(StarkComputation computation, ReadOnlySpan<Goldilocks> inputs, int steps)
    {
        CheckInputs(computation, inputs);
        CheckSteps(steps);
        return computation switch
        {
            StarkComputation.PermutationChain => PermutationChainAir.Compute(inputs, steps),
            _ => MatrixRecurrence(inputs, (matrix, offset, initial) => MatrixRecurrenceAir.Compute(matrix, offset, initial, steps)),
        };
    }

    /// <summary>The statement "<paramref name="steps"/> steps from <paramref name="inputs"/> give <paramref name="outputs"/>".</summary>
    public static IAir CreateAir(StarkComputation computation, ReadOnlySpan<Goldilocks> inputs, int steps, ReadOnlySpan<Goldilocks> outputs)
    {
        CheckInputs(computation, inputs);
        CheckSteps(steps);
        if (outputs.Length != OutputElements)
        {
            throw new ArgumentException($"a statement has {OutputElements} outputs, got {outputs.Length}", nameof(outputs));
        }
        Goldilocks[] final = outputs.ToArray();
        return computation switch
        {
            StarkComputation.PermutationChain => new PermutationChainAir(inputs, steps, final),
            _ => MatrixRecurrence<IAir>(inputs, (matrix, offset, initial) => new MatrixRecurrenceAir(matrix, offset, initial, steps, final)),
        };
    }

    private delegate T RecurrenceInputs<out T>(ReadOnlySpan<Goldilocks> matrix, ReadOnlySpan<Goldilocks> offset, ReadOnlySpan<Goldilocks> initial);

    private static T MatrixRecurrence<T>(ReadOnlySpan<Goldilocks> inputs, RecurrenceInputs<T> build)
    {
        const int d = MatrixRecurrenceAir.Dimension;
        return build(inputs[..(d * d)], inputs.Slice(d * d, d), inputs.Slice(d * d + d, d));
    }

    private static void CheckInputs(StarkComputation computation, ReadOnlySpan<Goldilocks> inputs)
    {
        if (inputs.Length != InputElements(computation))
        {
            throw new ArgumentException($"{computation} takes {InputElements(computation)} input elements, got {inputs.Length}", nameof(inputs));
        }
    }

    private static void CheckSteps(int steps)
    {
        if (steps is < MinSteps or > MaxSteps)
        {
            throw new ArgumentOutOfRangeException(nameof(steps), steps, $"the step count must be in [{MinSteps}, {MaxSteps}]");
        }
    }

    private static ArgumentOutOfRangeException Unknown(StarkComputation computation) =>
        new(nameof(computation), computation, "unknown STARK computation");
}
