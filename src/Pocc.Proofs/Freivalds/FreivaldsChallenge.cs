namespace Pocc.Proofs.Freivalds;

/// <summary>The distribution of Freivalds challenge vectors; the byte value is part of the challenge derivation.</summary>
public enum FreivaldsChallenge : byte
{
    /// <summary>
    /// Mod61 only: entries uniform in F_p. A wrong result survives one round with probability exactly 1/p ≈ 2^-61
    /// (a nonzero row d of A·B − C makes d·x uniform on F_p), at the same cost as any other vector: the default.
    /// </summary>
    UniformField = 1,

    /// <summary>
    /// Entries uniform in {0, 1}, the textbook variant behind "error ≤ 2^-k": a wrong result survives one round with
    /// probability ≤ 1/2. Kept for comparison; strictly weaker than <see cref="UniformField"/> at equal cost.
    /// </summary>
    Binary = 2,

    /// <summary>
    /// Entries uniform in {−1, +1}: the Float64 default. Every entry has magnitude 1, so the rounding bound of a round
    /// does not depend on the draw, and a single entry error changes the residual by twice its size between the two
    /// signs; survival probability ≤ 1/2 per round. For Mod61, +1 and p − 1.
    /// </summary>
    Sign = 3,
}
