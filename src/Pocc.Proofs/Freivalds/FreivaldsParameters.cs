using Pocc.Core.Matrices;

namespace Pocc.Proofs.Freivalds;

/// <summary>
/// How a task's matrix product is checked: rounds, challenge distribution and, for Float64, the tolerance the task
/// states. <see cref="Challenge"/> null means the default for the element type (uniform F_p for Mod61, ±1 for Float64).
/// </summary>
public sealed record FreivaldsParameters(
    int Rounds,
    FreivaldsChallenge? Challenge = null,
    double RelativeTolerance = 0,
    double AbsoluteTolerance = FreivaldsVerifier.DefaultAbsoluteTolerance)
{
    /// <summary>Exact Mod61 checking, uniform F_p challenges by default.</summary>
    public static FreivaldsParameters ForMod61(int rounds, FreivaldsChallenge challenge = FreivaldsChallenge.UniformField) => new(rounds, challenge);

    /// <summary>Float64 checking with ±1 challenges and a relative tolerance such as 1e-9.</summary>
    public static FreivaldsParameters ForFloat64(int rounds, double relativeTolerance, double absoluteTolerance = FreivaldsVerifier.DefaultAbsoluteTolerance) =>
        new(rounds, FreivaldsChallenge.Sign, relativeTolerance, absoluteTolerance);

    /// <summary>The challenge used for <paramref name="type"/>.</summary>
    public FreivaldsChallenge ChallengeFor(MatrixElementType type) =>
        Challenge ?? (type == MatrixElementType.Mod61 ? FreivaldsChallenge.UniformField : FreivaldsChallenge.Sign);
}
