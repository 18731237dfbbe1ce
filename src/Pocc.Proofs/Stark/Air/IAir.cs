namespace Pocc.Proofs.Stark.Air;

/// <summary>
/// An algebraic intermediate representation: a statement "this computation, from these public inputs, gives these
/// outputs" as a trace of <see cref="TraceWidth"/> columns by <see cref="TraceLength"/> rows, polynomial constraints
/// between each row and the next, and assertions on single cells. An instance is built from its public inputs.
/// </summary>
/// <remarks>
/// A trace is column-major, trace[column][row], because the prover extends and commits column by column. Transition
/// constraints must vanish on every pair (row i, row i + 1) for i &lt; TraceLength − 1; the pair that wraps from the last
/// row to the first is not constrained, so the prover divides by (x^n − 1)/(x − ω^(n−1)).
/// </remarks>
public interface IAir
{
    /// <summary>
    /// A stable name for the statement's shape, absorbed first by the transcript so a proof of one AIR can never be
    /// replayed as a proof of another with the same public-input bytes. Part of the protocol: never rename.
    /// </summary>
    string Name { get; }

    /// <summary>Number of trace columns.</summary>
    int TraceWidth { get; }

    /// <summary>Number of trace rows n, a power of two.</summary>
    int TraceLength { get; }

    /// <summary>
    /// The degree of each transition constraint as a polynomial in the current-row, next-row and periodic values, one
    /// entry per constraint in <see cref="EvaluateTransition"/>'s output order. Over the trace polynomials (each of
    /// degree ≤ n − 1) constraint j has degree ≤ TransitionDegrees[j]·(n − 1), which sizes the composition polynomial.
    /// </summary>
    IReadOnlyList<int> TransitionDegrees { get; }

    /// <summary>
    /// Columns fixed by the AIR rather than the prover, each of a power-of-two length k dividing n; row i reads
    /// values[i mod k]. The verifier evaluates one at a point z as the polynomial interpolating values on ⟨ω_k⟩, taken at
    /// z^(n/k): degree ≤ n − 1 in z, like a trace column.
    /// </summary>
    IReadOnlyList<Goldilocks[]> PeriodicColumns { get; }

    /// <summary>The cell assertions, derived from the public inputs.</summary>
    IReadOnlyList<BoundaryConstraint> BoundaryConstraints { get; }

    /// <summary>The canonical encoding of the public inputs, for the transcript to absorb before any challenge.</summary>
    byte[] EncodePublicInputs();

    /// <summary>
    /// Writes every transition constraint's value at one point into <paramref name="result"/> (length
    /// <see cref="TransitionDegrees"/>.Count): all zero on an honest pair of consecutive rows. <paramref name="periodic"/>
    /// holds one value per periodic column at the same point as <paramref name="current"/>.
    /// </summary>
    void EvaluateTransition<T>(ReadOnlySpan<T> current, ReadOnlySpan<T> next, ReadOnlySpan<T> periodic, Span<T> result)
        where T : unmanaged, IFieldElement<T>;

    /// <summary>The honest prover's trace, column-major, satisfying every constraint.</summary>
    Goldilocks[][] GenerateTrace();
}
