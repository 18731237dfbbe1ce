using System.Buffers.Binary;
using System.Numerics;

namespace Pocc.Proofs.Stark.Air;

/// <summary>
/// The affine recurrence v_{r+1} = A·v_r + b over Goldilocks with a 4×4 matrix A, iterated a public number of times:
/// the shape of a linear dynamical system, a linear-congruential stream or a Markov-chain step, work a client would
/// pay to outsource. Public inputs: A, b, v_0, the step count N and v_N.
/// </summary>
/// <remarks>
/// Row r of the trace is v_r; rows past N continue the recurrence so the length is a power of two, and v_N is asserted
/// at row N. A and b enter the constraints as constants, so one constraint per element, each of degree 1.
/// </remarks>
public sealed class MatrixRecurrenceAir : IAir
{
    public const int Dimension = 4;

    /// <summary>The largest step count: the trace must fit an NTT.</summary>
    public const int MaxSteps = (1 << Ntt.MaxLogSize) - 1;

    private static readonly int[] Degrees = [1, 1, 1, 1];

    private readonly Goldilocks[] _matrix;
    private readonly Goldilocks[] _offset;
    private readonly Goldilocks[] _initial;
    private readonly Goldilocks[] _final;

    /// <summary>
    /// The statement "<paramref name="steps"/> steps of v ← A·v + b from <paramref name="initial"/> reach
    /// <paramref name="final"/>"; <paramref name="matrix"/> is A in row-major order.
    /// </summary>
    public MatrixRecurrenceAir(
        ReadOnlySpan<Goldilocks> matrix, ReadOnlySpan<Goldilocks> offset, ReadOnlySpan<Goldilocks> initial, int steps, ReadOnlySpan<Goldilocks> final)
    {
        CheckInputs(matrix, offset, initial);
        CheckLength(final, Dimension, nameof(final));
        if (steps < 1 || steps > MaxSteps)
        {
            throw new ArgumentOutOfRangeException(nameof(steps), steps, $"the step count must be in [1, {MaxSteps}]");
        }
        _matrix = matrix.ToArray();
        _offset = offset.ToArray();
        _initial = initial.ToArray();
        _final = final.ToArray();
        Steps = steps;
        TraceLength = (int)BitOperations.RoundUpToPowerOf2((uint)steps + 1);
        BoundaryConstraints =
        [
            .. _initial.Select((value, column) => new BoundaryConstraint(column, 0, value)),
            .. _final.Select((value, column) => new BoundaryConstraint(column, steps, value)),
        ];
    }

    /// <summary>The step count N.</summary>
    public int Steps { get; }

    public string Name => "pocc/matrix-recurrence/v1";

    public int TraceWidth => Dimension;

    public int TraceLength { get; }

    public IReadOnlyList<int> TransitionDegrees => Degrees;

    public IReadOnlyList<Goldilocks[]> PeriodicColumns => [];

    public IReadOnlyList<BoundaryConstraint> BoundaryConstraints { get; }

    /// <summary>v_N for N = <paramref name="steps"/>, without a trace.</summary>
    public static Goldilocks[] Compute(ReadOnlySpan<Goldilocks> matrix, ReadOnlySpan<Goldilocks> offset, ReadOnlySpan<Goldilocks> initial, int steps)
    {
        CheckInputs(matrix, offset, initial);
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        Span<Goldilocks> v = stackalloc Goldilocks[Dimension];
        initial.CopyTo(v);
        for (int r = 0; r < steps; r++)
        {
            Step(matrix, offset, v, v);
        }
        return v.ToArray();
    }

    /// <summary>Steps, then A (row-major), b, v_0 and v_N: 8 bytes little-endian each.</summary>
    public byte[] EncodePublicInputs()
    {
        Goldilocks[] elements = [.. _matrix, .. _offset, .. _initial, .. _final];
        var bytes = new byte[8 + elements.Length * Goldilocks.EncodedLength];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)Steps);
        for (int i = 0; i < elements.Length; i++)
        {
            elements[i].WriteTo(bytes.AsSpan(8 + i * Goldilocks.EncodedLength));
        }
        return bytes;
    }

    /// <summary>next − (A·current + b).</summary>
    public void EvaluateTransition<T>(ReadOnlySpan<T> current, ReadOnlySpan<T> next, ReadOnlySpan<T> periodic, Span<T> result)
        where T : unmanaged, IFieldElement<T>
    {
        for (int i = 0; i < Dimension; i++)
        {
            T acc = T.FromBase(_offset[i]);
            for (int j = 0; j < Dimension; j++)
            {
                acc += T.FromBase(_matrix[i * Dimension + j]) * current[j];
            }
            result[i] = next[i] - acc;
        }
    }

    public Goldilocks[][] GenerateTrace()
    {
        var trace = new Goldilocks[Dimension][];
        for (int i = 0; i < Dimension; i++)
        {
            trace[i] = new Goldilocks[TraceLength];
            trace[i][0] = _initial[i];
        }
        Span<Goldilocks> v = stackalloc Goldilocks[Dimension];
        _initial.CopyTo(v);
        for (int r = 1; r < TraceLength; r++)
        {
            Step(_matrix, _offset, v, v);
            for (int i = 0; i < Dimension; i++)
            {
                trace[i][r] = v[i];
            }
        }
        return trace;
    }

    // One step of the recurrence; output may alias v.
    private static void Step(ReadOnlySpan<Goldilocks> matrix, ReadOnlySpan<Goldilocks> offset, ReadOnlySpan<Goldilocks> v, Span<Goldilocks> output)
    {
        Span<Goldilocks> next = stackalloc Goldilocks[Dimension];
        for (int i = 0; i < Dimension; i++)
        {
            Goldilocks acc = offset[i];
            for (int j = 0; j < Dimension; j++)
            {
                acc += matrix[i * Dimension + j] * v[j];
            }
            next[i] = acc;
        }
        next.CopyTo(output);
    }

    private static void CheckInputs(ReadOnlySpan<Goldilocks> matrix, ReadOnlySpan<Goldilocks> offset, ReadOnlySpan<Goldilocks> initial)
    {
        CheckLength(matrix, Dimension * Dimension, nameof(matrix));
        CheckLength(offset, Dimension, nameof(offset));
        CheckLength(initial, Dimension, nameof(initial));
    }

    private static void CheckLength(ReadOnlySpan<Goldilocks> values, int expected, string name)
    {
        if (values.Length != expected)
        {
            throw new ArgumentException($"expected {expected} elements, got {values.Length}", name);
        }
    }
}
