using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace Pocc.Proofs.Stark.Air;

/// <summary>
/// A width-4 arithmetic permutation iterated a public number of times, a delay-style task: each step is
/// state ← M·(state^7) + c_r with M an MDS matrix and c_r the round constants of step r mod <see cref="RoundPeriod"/>.
/// Public inputs: the initial state, the step count N and the state after N steps.
/// </summary>
/// <remarks>
/// x ↦ x^7 is a bijection of Goldilocks because gcd(7, p − 1) = 1, and M is invertible, so every step is a
/// permutation. Row r of the trace is the state after r steps; rows past N continue the chain so the length is a
/// power of two, and the final state is asserted at row N. One constraint per state element, each of degree 7.
/// </remarks>
public sealed class PermutationChainAir : IAir
{
    public const int Width = 4;

    /// <summary>Steps before the round constants repeat: the length of each periodic column.</summary>
    public const int RoundPeriod = 8;

    /// <summary>The largest step count: the trace must fit an NTT.</summary>
    public const int MaxSteps = (1 << Ntt.MaxLogSize) - 1;

    private const int SBoxDegree = 7;

    /// <summary>M, row-major: Poseidon2's 4×4 matrix M4, small entries, every square submatrix nonsingular (tested).</summary>
    internal static readonly Goldilocks[] Mds = ToField(
    [
        5, 7, 1, 3,
        4, 6, 1, 1,
        1, 3, 5, 7,
        1, 1, 4, 6,
    ]);

    // Round constants from SHA-256 in counter mode, so nobody chose them; column i holds element i of each step's constants.
    private static readonly Goldilocks[][] RoundConstantColumns = DeriveRoundConstants();

    private static readonly int[] Degrees = [SBoxDegree, SBoxDegree, SBoxDegree, SBoxDegree];

    private readonly Goldilocks[] _initial;
    private readonly Goldilocks[] _final;

    /// <summary>The statement "<paramref name="steps"/> steps from <paramref name="initial"/> reach <paramref name="final"/>".</summary>
    public PermutationChainAir(ReadOnlySpan<Goldilocks> initial, int steps, ReadOnlySpan<Goldilocks> final)
    {
        CheckState(initial, nameof(initial));
        CheckState(final, nameof(final));
        CheckSteps(steps);
        _initial = initial.ToArray();
        _final = final.ToArray();
        Steps = steps;
        TraceLength = Math.Max(RoundPeriod, (int)BitOperations.RoundUpToPowerOf2((uint)steps + 1));
        BoundaryConstraints = [.. Assert(0, _initial), .. Assert(steps, _final)];
    }

    /// <summary>The step count N.</summary>
    public int Steps { get; }

    public string Name => "pocc/permutation-chain/v1";

    public int TraceWidth => Width;

    public int TraceLength { get; }

    public IReadOnlyList<int> TransitionDegrees => Degrees;

    public IReadOnlyList<Goldilocks[]> PeriodicColumns => RoundConstantColumns;

    public IReadOnlyList<BoundaryConstraint> BoundaryConstraints { get; }

    /// <summary>The state after <paramref name="steps"/> steps from <paramref name="input"/>, without a trace.</summary>
    public static Goldilocks[] Compute(ReadOnlySpan<Goldilocks> input, int steps)
    {
        CheckState(input, nameof(input));
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        Span<Goldilocks> state = stackalloc Goldilocks[Width];
        Span<Goldilocks> constants = stackalloc Goldilocks[Width];
        input.CopyTo(state);
        for (int r = 0; r < steps; r++)
        {
            LoadConstants(r, constants);
            Step<Goldilocks>(state, constants, state);
        }
        return state.ToArray();
    }

    /// <summary>Steps, then the initial and the final state: 8 bytes little-endian each.</summary>
    public byte[] EncodePublicInputs()
    {
        var bytes = new byte[8 + 2 * Width * Goldilocks.EncodedLength];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)Steps);
        for (int i = 0; i < Width; i++)
        {
            _initial[i].WriteTo(bytes.AsSpan(8 + i * Goldilocks.EncodedLength));
            _final[i].WriteTo(bytes.AsSpan(8 + (Width + i) * Goldilocks.EncodedLength));
        }
        return bytes;
    }

    /// <summary>next − (M·current^7 + c), with c the periodic round constants.</summary>
    public void EvaluateTransition<T>(ReadOnlySpan<T> current, ReadOnlySpan<T> next, ReadOnlySpan<T> periodic, Span<T> result)
        where T : unmanaged, IFieldElement<T>
    {
        Span<T> expected = stackalloc T[Width];
        Step(current, periodic, expected);
        for (int i = 0; i < Width; i++)
        {
            result[i] = next[i] - expected[i];
        }
    }

    public Goldilocks[][] GenerateTrace()
    {
        var trace = new Goldilocks[Width][];
        for (int i = 0; i < Width; i++)
        {
            trace[i] = new Goldilocks[TraceLength];
            trace[i][0] = _initial[i];
        }
        Span<Goldilocks> state = stackalloc Goldilocks[Width];
        Span<Goldilocks> constants = stackalloc Goldilocks[Width];
        _initial.CopyTo(state);
        for (int r = 0; r + 1 < TraceLength; r++)
        {
            LoadConstants(r, constants);
            Step<Goldilocks>(state, constants, state);
            for (int i = 0; i < Width; i++)
            {
                trace[i][r + 1] = state[i];
            }
        }
        return trace;
    }

    // One step, the single definition the native run, the trace and the constraints share. output may alias state.
    private static void Step<T>(ReadOnlySpan<T> state, ReadOnlySpan<T> constants, Span<T> output)
        where T : unmanaged, IFieldElement<T>
    {
        Span<T> powered = stackalloc T[Width];
        for (int i = 0; i < Width; i++)
        {
            T x = state[i];
            T x2 = x * x;
            T x3 = x2 * x;
            powered[i] = x3 * x3 * x;
        }
        for (int i = 0; i < Width; i++)
        {
            T acc = constants[i];
            for (int j = 0; j < Width; j++)
            {
                acc += T.FromBase(Mds[i * Width + j]) * powered[j];
            }
            output[i] = acc;
        }
    }

    private static void LoadConstants(int step, Span<Goldilocks> constants)
    {
        for (int i = 0; i < Width; i++)
        {
            constants[i] = RoundConstantColumns[i][step % RoundPeriod];
        }
    }

    private static Goldilocks[][] DeriveRoundConstants()
    {
        byte[] seed = Encoding.ASCII.GetBytes("pocc/stark/air/permutation-chain/round-constants");
        var input = new byte[seed.Length + 4];
        seed.CopyTo(input, 0);
        var columns = new Goldilocks[Width][];
        for (int i = 0; i < Width; i++)
        {
            columns[i] = new Goldilocks[RoundPeriod];
            for (int r = 0; r < RoundPeriod; r++)
            {
                BinaryPrimitives.WriteInt32LittleEndian(input.AsSpan(seed.Length), r * Width + i);
                byte[] digest = SHA256.HashData(input);
                columns[i][r] = Goldilocks.FromUInt64(BinaryPrimitives.ReadUInt64LittleEndian(digest));
            }
        }
        return columns;
    }

    private static BoundaryConstraint[] Assert(int row, Goldilocks[] state) =>
        [.. state.Select((value, column) => new BoundaryConstraint(column, row, value))];

    private static Goldilocks[] ToField(ulong[] values) => [.. values.Select(Goldilocks.FromCanonical)];

    private static void CheckState(ReadOnlySpan<Goldilocks> state, string name)
    {
        if (state.Length != Width)
        {
            throw new ArgumentException($"a state has {Width} elements, got {state.Length}", name);
        }
    }

    private static void CheckSteps(int steps)
    {
        if (steps < 1 || steps > MaxSteps)
        {
            throw new ArgumentOutOfRangeException(nameof(steps), steps, $"the step count must be in [1, {MaxSteps}]");
        }
    }
}
