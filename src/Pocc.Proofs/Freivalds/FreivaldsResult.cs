namespace Pocc.Proofs.Freivalds;

/// <summary>
/// The verdict of a Freivalds check. <see cref="SoundnessError"/> bounds the probability that a wrong result is
/// accepted (over the choice of the seed); <see cref="SoundnessBits"/> is the same bound as −log2.
/// </summary>
/// <param name="Accepted">Every round matched (within the tolerance for Float64).</param>
/// <param name="Rounds">Rounds run.</param>
/// <param name="FailedRound">The first round that did not match, or null (also null when C had the wrong shape).</param>
/// <param name="FailedRow">The first row of C that did not match in that round, or null.</param>
/// <param name="Reason">A human-readable account of the verdict.</param>
/// <param name="Challenge">The challenge distribution used.</param>
/// <param name="SoundnessError">Upper bound on the probability that a wrong result passes, e.g. p^-k or 2^-k (may underflow to 0).</param>
/// <param name="SoundnessBits">−log2 of that bound, e.g. 61·k or k.</param>
/// <param name="SoundnessStatement">What the bound means, stated for humans and logs.</param>
/// <param name="WorstResidualRatio">Float64 only: the largest |(A(Bx))_i − (Cx)_i| / bound_i seen; ≤ 1 means accepted. Useful for tuning tolerances.</param>
public sealed record FreivaldsResult(
    bool Accepted,
    int Rounds,
    int? FailedRound,
    int? FailedRow,
    string Reason,
    FreivaldsChallenge Challenge,
    double SoundnessError,
    double SoundnessBits,
    string SoundnessStatement,
    double? WorstResidualRatio = null);
