using Pocc.Core.Hashing;

namespace Pocc.Ledger.Tasks;

/// <summary>
/// Checks a committed result against its task's certificate policy, as every validator must before it accepts a
/// verdict: the proposer's verdict is only the claim, this is the check. Implementations read the input and result
/// blobs, so they live at the node; they must be deterministic for a given task, result and seed.
/// </summary>
public interface IResultVerifier
{
    /// <summary>The verdict for <paramref name="task"/>'s committed result, with challenges drawn from <paramref name="challengeSeed"/>.</summary>
    TaskOutcome Verify(ComputeTask task, Hash32 challengeSeed);
}
