namespace Pocc.Core.Matrices;

/// <summary>The element type of a <see cref="Matrix"/>; the byte value is part of the blob format.</summary>
public enum MatrixElementType : byte
{
    /// <summary>IEEE-754 binary64, finite values only.</summary>
    Float64 = 1,

    /// <summary>Elements of the prime field F_p, p = 2^61 − 1, stored as u64 below p.</summary>
    Mod61 = 2,
}
