using System.Collections.Concurrent;
using Pocc.Core.Hashing;
using Pocc.Ledger.Tasks;

namespace Pocc.Ledger.Tests.Builders;

/// <summary>
/// A deterministic <see cref="IResultVerifier"/> that answers what the test prescribes for each task id
/// (<see cref="TaskOutcome.Verified"/> unless told otherwise) and records every call. It stands in for reading the
/// input and result blobs; the real verifier is tested at the node.
/// </summary>
internal sealed class ScriptedResults : IResultVerifier
{
    private readonly ConcurrentDictionary<ulong, TaskOutcome> _outcomes = new();
    private readonly ConcurrentQueue<(ComputeTask Task, Hash32 Seed)> _calls = new();

    public TaskOutcome Default { get; init; } = TaskOutcome.Verified;

    /// <summary>Every call so far, oldest first: the task as the chain passed it and the challenge seed.</summary>
    public IReadOnlyList<(ComputeTask Task, Hash32 Seed)> Calls => [.. _calls];

    public ScriptedResults Prescribe(ulong taskId, TaskOutcome outcome)
    {
        _outcomes[taskId] = outcome;
        return this;
    }

    public TaskOutcome OutcomeFor(ulong taskId) => _outcomes.GetValueOrDefault(taskId, Default);

    public TaskOutcome Verify(ComputeTask task, Hash32 challengeSeed)
    {
        _calls.Enqueue((task, challengeSeed));
        return OutcomeFor(task.Id);
    }
}
