using Pocc.Ledger.Consensus;
using Pocc.Ledger.Tasks;
using Pocc.Ledger.Tests.Builders;
using static Pocc.Ledger.Tests.Builders.TestKeys;

namespace Pocc.Ledger.Tests.Tasks;

/// <summary>The chain's task queries: open tasks oldest first, history newest first with paging, challenge seeds.</summary>
public sealed class TaskQueryTests
{
    /// <summary>Task 1 settled, 2 rejected, 3 committed, 4 assigned, 5 and 6 posted (floating point, which no worker runs).</summary>
    private static TaskChain History()
    {
        var t = TaskChain.Create(p => p with { MaxActiveTasksPerWorker = 4 });
        t.Results.Prescribe(2, TaskOutcome.WrongResult);
        t.ProduceOk(TaskTx.Register(Alice, capabilities: WorkerCapabilities.MatmulMod61));
        t.ProduceOk([.. Enumerable.Range(0, 4).Select(_ => TaskTx.Post(Dave, Specs.Mod61()))]);
        t.ProduceOk(TaskTx.Commit(Alice, 1, Specs.Result(Specs.Mod61())), TaskTx.Commit(Alice, 2, Specs.Result(Specs.Mod61())), TaskTx.Commit(Alice, 3, Specs.Result(Specs.Mod61())));
        t.ProduceOk(TaskTx.Verdict(t.Validator, 1, TaskOutcome.Verified), TaskTx.Verdict(t.Validator, 2, TaskOutcome.WrongResult), TaskTx.Register(Bob, capabilities: WorkerCapabilities.MatmulMod61));
        t.ProduceOk(TaskTx.Post(Dave, Specs.Float64()), TaskTx.Post(Dave, Specs.Float64()));
        return t;
    }

    [Fact]
    public void History_has_the_expected_states()
    {
        using var t = History();
        Assert.Equal(
            [TaskState.Settled, TaskState.Rejected, TaskState.Committed, TaskState.Assigned, TaskState.Posted, TaskState.Posted],
            Enumerable.Range(1, 6).Select(id => t.Task((ulong)id).State));
    }

    [Fact]
    public void Open_tasks_are_listed_oldest_first_without_the_closed_ones()
    {
        using var t = History();
        Assert.Equal([3UL, 4, 5, 6], t.Chain.GetOpenTasks().Select(task => task.Id));
    }

    [Fact]
    public void Tasks_are_listed_newest_first_in_pages_and_by_state()
    {
        using var t = History();
        Assert.Equal([6UL, 5, 4, 3, 2, 1], t.Chain.GetTasks(ulong.MaxValue, 100).Select(task => task.Id));
        Assert.Equal([6UL, 5], t.Chain.GetTasks(ulong.MaxValue, 2).Select(task => task.Id));
        Assert.Equal([4UL, 3], t.Chain.GetTasks(5, 2).Select(task => task.Id));
        Assert.Equal([2UL, 1], t.Chain.GetTasks(3, 2).Select(task => task.Id));
        Assert.Empty(t.Chain.GetTasks(1, 10));
        Assert.Equal([6UL, 5, 4, 3, 2, 1], t.Chain.GetTasks(7, 10).Select(task => task.Id));
        Assert.Equal([1UL], t.Chain.GetTasks(ulong.MaxValue, 10, TaskState.Settled).Select(task => task.Id));
        Assert.Equal([2UL], t.Chain.GetTasks(ulong.MaxValue, 10, TaskState.Rejected).Select(task => task.Id));
        Assert.Equal([6UL, 5], t.Chain.GetTasks(ulong.MaxValue, 10, TaskState.Posted).Select(task => task.Id));
        Assert.Equal([5UL], t.Chain.GetTasks(6, 1, TaskState.Posted).Select(task => task.Id));
        Assert.Empty(t.Chain.GetTasks(ulong.MaxValue, 10, TaskState.Expired));
        Assert.Empty(t.Chain.GetTasks(ulong.MaxValue, 0));
    }

    [Fact]
    public void A_worker_filter_fills_each_page_with_that_workers_tasks()
    {
        using var t = History();
        Assert.Equal([4UL, 3], t.Chain.GetTasks(ulong.MaxValue, 2, worker: Alice.Address).Select(task => task.Id));
        Assert.Equal([2UL, 1], t.Chain.GetTasks(3, 2, worker: Alice.Address).Select(task => task.Id));
        Assert.Equal([2UL], t.Chain.GetTasks(ulong.MaxValue, 10, TaskState.Rejected, Alice.Address).Select(task => task.Id));
        Assert.Empty(t.Chain.GetTasks(ulong.MaxValue, 10, worker: Bob.Address));
    }

    [Fact]
    public void Tasks_are_counted_by_state()
    {
        using var t = History();
        var counts = t.Chain.CountTasksByState();
        Assert.Equal(2, counts[TaskState.Posted]);
        Assert.Equal(1, counts[TaskState.Assigned]);
        Assert.Equal(1, counts[TaskState.Committed]);
        Assert.Equal(0, counts[TaskState.Verified]);
        Assert.Equal(1, counts[TaskState.Settled]);
        Assert.Equal(1, counts[TaskState.Rejected]);
        Assert.Equal(0, counts[TaskState.Expired]);
    }

    [Fact]
    public void Listing_tasks_before_id_0_is_empty()
    {
        using var t = History();
        Assert.Empty(t.Chain.GetTasks(0, 10));
    }

    [Fact]
    public void Challenge_seed_exists_only_once_a_result_is_committed()
    {
        using var t = History();
        Assert.NotNull(t.Chain.ChallengeSeedFor(t.Task(1)));
        Assert.NotNull(t.Chain.ChallengeSeedFor(t.Task(2)));
        var seedHeader = t.Chain.GetHeader(t.Task(3).CommitHeight.Next)!;
        Assert.Equal(TaskRules.ChallengeSeed(Beacon.FromProof(seedHeader.BeaconProof), t.Task(3)), t.Chain.ChallengeSeedFor(t.Task(3)));
        Assert.Null(t.Chain.ChallengeSeedFor(t.Task(4)));
        Assert.Null(t.Chain.ChallengeSeedFor(t.Task(5)));
    }

    [Fact]
    public void Workers_are_listed_with_their_records()
    {
        using var t = History();
        var workers = t.Chain.GetWorkers().ToDictionary(w => w.Key, w => w.Value);
        Assert.Equal(2, workers.Count);
        Assert.Equal(1UL, workers[Alice.Address].TasksSettled);
        Assert.Equal(1UL, workers[Alice.Address].TasksRejected);
        Assert.Equal(2u, workers[Alice.Address].ActiveTasks);
        Assert.Equal(WorkerCapabilities.MatmulMod61, workers[Bob.Address].Capabilities);
        Assert.Null(t.Chain.GetWorker(Carol.Address));
    }
}
