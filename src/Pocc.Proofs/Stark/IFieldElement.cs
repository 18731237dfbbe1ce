using System.Numerics;

namespace Pocc.Proofs.Stark;

/// <summary>
/// The field arithmetic an AIR's constraints are written against, so one generic body evaluates them on base-field
/// values (the prover's trace LDE) and on extension-field values (the verifier's out-of-domain point).
/// </summary>
public interface IFieldElement<T> :
    IEquatable<T>,
    IEqualityOperators<T, T, bool>,
    IAdditionOperators<T, T, T>,
    ISubtractionOperators<T, T, T>,
    IMultiplyOperators<T, T, T>,
    IUnaryNegationOperators<T, T>
    where T : unmanaged, IFieldElement<T>
{
    /// <summary>0.</summary>
    static abstract T Zero { get; }

    /// <summary>1.</summary>
    static abstract T One { get; }

    /// <summary>A base-field element in this field: itself for Goldilocks, value + 0·u for the extension.</summary>
    static abstract T FromBase(Goldilocks value);

    /// <summary>True for the zero element.</summary>
    bool IsZero { get; }

    /// <summary>this², which each field computes more cheaply than a general product where it can.</summary>
    T Square();
}
