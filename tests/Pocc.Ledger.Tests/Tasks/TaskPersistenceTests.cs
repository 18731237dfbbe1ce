using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tasks;
using Pocc.Ledger.Tests.Builders;
using static Pocc.Ledger.Tests.Builders.TestKeys;

namespace Pocc.Ledger.Tests.Tasks;

/// <summary>The compute market survives a restart unchanged, and replaying the blocks rebuilds it root for root.</summary>
public sealed class TaskPersistenceTests
{
    /// <summary>
    /// Three workers and tasks in most states: settled, rejected, committed, assigned, and reassigned after a missed
    /// deadline (which expires four blocks later).
    /// </summary>
    private static TaskChain Market()
    {
        var t = TaskChain.Create();
        t.Results.Prescribe(2, TaskOutcome.WrongResult);
        t.ProduceOk(TaskTx.Register(Alice), TaskTx.Register(Bob), TaskTx.Register(Carol, capabilities: WorkerCapabilities.MatmulMod61));
        t.ProduceOk(
            TaskTx.Post(Dave, Specs.Mod61(1, 2, 3)), TaskTx.Post(Dave, Specs.Mod61(2, 2, 2)), TaskTx.Post(Dave, Specs.Float64(3, 1, 2)),
            TaskTx.Post(Dave, Specs.Mod61(deadline: 50)), TaskTx.Post(Dave, Specs.Mod61(deadline: 1)));
        t.ProduceOk([.. new ulong[] { 1, 2, 3 }.Select(id => TaskTx.Commit(KeyOf(t.Task(id).Worker), id, Specs.Result(t.Task(id).Spec)))]);
        t.ProduceOk(TaskTx.Verdict(t.Validator, 1, TaskOutcome.Verified), TaskTx.Verdict(t.Validator, 2, TaskOutcome.WrongResult));
        return t;
    }

    private static Core.Crypto.KeyPair KeyOf(Core.Addressing.Address address) => FundedLabels.Select(Of).Single(k => k.Address == address);

    [Fact]
    public void Market_has_tasks_in_the_expected_states()
    {
        using var t = Market();
        Assert.Equal(TaskState.Settled, t.Task(1).State);
        Assert.Equal(TaskState.Rejected, t.Task(2).State);
        Assert.Equal(TaskState.Committed, t.Task(3).State);
        Assert.Equal(TaskState.Assigned, t.Task(4).State);
        Assert.Equal(2, t.Task(5).Attempts);
        Assert.Equal(TaskOutcome.DeadlineMissed, t.Task(5).Outcome);
    }

    [Fact]
    public void Restarted_chain_has_the_same_tasks_workers_registry_and_state_root_and_goes_on()
    {
        using var t = Market();
        var before = TaskSnapshot.Of(t.Chain);
        var seed = t.Chain.ChallengeSeedFor(t.Task(3));
        var workers = t.Chain.GetWorkers();
        var open = t.Chain.GetOpenTasks();

        t.Test.Reopen();

        Assert.Equal(before, TaskSnapshot.Of(t.Chain));
        Assert.Equal(workers, t.Chain.GetWorkers());
        Assert.Equal(open, t.Chain.GetOpenTasks());
        Assert.Equal(seed, t.Chain.ChallengeSeedFor(t.Task(3)));
        Assert.True(t.Chain.SupplyIsConserved());

        // The registry survived: the next task gets the next id; a verdict on a result committed before the restart
        // is checked against the stored commit block.
        int calls = t.Results.Calls.Count;
        t.ProduceOk(TaskTx.Post(Dave, Specs.Mod61()), TaskTx.Verdict(t.Validator, 3, TaskOutcome.Verified));
        Assert.Equal(Dave.Address, t.Task(6).Requester);
        Assert.Equal(TaskState.Settled, t.Task(3).State);
        Assert.Equal(seed, t.Results.Calls[calls].Seed);
    }

    [Fact]
    public void Replaying_every_block_into_a_fresh_chain_reproduces_every_state_root()
    {
        using var t = Market();
        t.ProduceEmpty(4);
        t.ProduceOk(TaskTx.Verdict(t.Validator, 3, TaskOutcome.Verified));
        Assert.Equal(TaskState.Expired, t.Task(5).State);
        Assert.Equal(TaskState.Settled, t.Task(3).State);
        var verifier = new ScriptedResults().Prescribe(2, TaskOutcome.WrongResult);
        using var replica = t.Test.ReplicaWith(verifier);

        foreach (var (block, commit) in t.Test.CommittedBlocks())
        {
            replica.Chain.Apply(block, commit);
            Assert.Equal(block.Header.StateRoot, replica.Chain.StateRoot);
            Assert.True(replica.Chain.SupplyIsConserved());
        }

        Assert.Equal(TaskSnapshot.Of(t.Chain), TaskSnapshot.Of(replica.Chain));
        Assert.Equal(t.Chain.GetWorkers(), replica.Chain.GetWorkers());
        // Committed blocks are applied as their quorum decided them: the replica's own check, which disagrees on task 2,
        // is not asked, and the seeds anyone would redo the checks with are the same.
        Assert.Empty(verifier.Calls);
        Assert.Equal(t.Chain.ChallengeSeedFor(t.Task(3)), replica.Chain.ChallengeSeedFor(replica.Chain.GetTask(3)!));
    }
}
