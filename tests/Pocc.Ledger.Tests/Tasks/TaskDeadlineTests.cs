using Pocc.Core.Addressing;
using Pocc.Core.Crypto;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tasks;
using Pocc.Ledger.Tests.Builders;
using static Pocc.Ledger.Tests.Builders.TestKeys;

namespace Pocc.Ledger.Tests.Tasks;

/// <summary>
/// Missed deadlines and unavailable results: a small stated penalty (burned), reputation down an eighth, the task
/// back to the market for another worker, and after the last attempt expiry with the fee refunded.
/// </summary>
public sealed class TaskDeadlineTests
{
    private const ulong Balance = GenesisBuilder.DefaultBalance;
    private const ulong TxFee = TxBuilder.DefaultFee;
    private const ulong Fee = TaskTx.DefaultTaskFee;
    private const ulong Stake = TaskTx.DefaultStake;

    private static KeyPair KeyOf(Address address) => FundedLabels.Select(Of).Single(k => k.Address == address);

    private static KeyPair OtherOf(Address address) => KeyOf(address) == Alice ? Bob : Alice;

    [Fact]
    public void Missed_deadline_costs_the_worker_a_burned_penalty_and_hands_the_task_to_another_worker()
    {
        using var t = TaskChain.Create();
        Assert.Equal(100UL, t.Chain.Parameters.LatenessPenaltyBasisPoints);
        t.ProduceOk(TaskTx.Register(Alice), TaskTx.Register(Bob));
        t.ProduceOk(TaskTx.Post(Dave, Specs.Mod61(deadline: 2)));
        var late = KeyOf(t.Task(1).Worker);
        var other = OtherOf(late.Address);

        // Assigned at 2 with 2 blocks: heights 3 and 4 are still in time.
        t.ProduceEmpty(2);
        Assert.Equal(TaskState.Assigned, t.Task(1).State);
        Assert.Equal(late.Address, t.Task(1).Worker);
        Assert.Equal(new Amount(Stake), t.Worker(late).Stake);

        var burnedBefore = t.Chain.Supply.Burned.Value;
        t.ProduceOk();

        const ulong penalty = Stake / 100;
        var worker = t.Worker(late);
        Assert.Equal(new Amount(Stake - penalty), worker.Stake);
        Assert.Equal(new Amount(penalty), worker.Slashed);
        Assert.Equal(5_000u - 5_000u / 8, worker.Reputation);
        Assert.Equal(1UL, worker.DeadlinesMissed);
        Assert.Equal(0UL, worker.TasksRejected);
        Assert.Equal(0u, worker.ActiveTasks);
        Assert.Equal(burnedBefore + penalty, t.Chain.Supply.Burned.Value);

        // Back on the market at the start of block 5 and reassigned to the other worker at its end.
        var task = t.Task(1);
        Assert.Equal(TaskState.Assigned, task.State);
        Assert.Equal(other.Address, task.Worker);
        Assert.Equal(new Height(5), task.AssignedHeight);
        Assert.Equal(2, task.Attempts);
        Assert.Equal(TaskOutcome.DeadlineMissed, task.Outcome);
        Assert.Equal(1u, t.Worker(other).ActiveTasks);
        Assert.Equal(Balance - Fee - TxFee, t.Balance(Dave));

        // The new worker has its own full deadline and can finish the task.
        t.ProduceOk(TaskTx.Commit(other, 1, Specs.Result(task.Spec)));
        t.ProduceOk(TaskTx.Verdict(t.Validator, 1, TaskOutcome.Verified));
        Assert.Equal(TaskState.Settled, t.Task(1).State);
        Assert.Equal(1UL, t.Worker(other).TasksSettled);
    }

    [Fact]
    public void Task_that_misses_every_attempt_expires_and_its_fee_is_refunded()
    {
        using var t = TaskChain.Create();
        Assert.Equal(3, t.Chain.Parameters.MaxTaskAttempts);
        t.ProduceOk(TaskTx.Register(Alice), TaskTx.Register(Bob));
        t.ProduceOk(TaskTx.Post(Dave, Specs.Mod61(deadline: 1), Fee));
        var first = KeyOf(t.Task(1).Worker);
        var second = OtherOf(first.Address);

        // Deadline 1: assigned at 2, missed at 4, reassigned at 4, missed at 6, reassigned at 6, missed at 8.
        var expectedWorkers = new[] { first, second, first };
        for (int attempt = 1; attempt <= 3; attempt++)
        {
            var task = t.Task(1);
            Assert.Equal(TaskState.Assigned, task.State);
            Assert.Equal(attempt, task.Attempts);
            Assert.Equal(expectedWorkers[attempt - 1].Address, task.Worker);
            t.ProduceEmpty(2);
        }

        var expired = t.Task(1);
        Assert.Equal(TaskState.Expired, expired.State);
        Assert.Equal(TaskOutcome.DeadlineMissed, expired.Outcome);
        Assert.Equal(new Height(8), expired.ClosedHeight);
        Assert.Equal(3, expired.Attempts);
        Assert.Equal(Balance - TxFee, t.Balance(Dave));
        Assert.Empty(t.Chain.GetOpenTasks());

        Assert.Equal(2UL, t.Worker(first).DeadlinesMissed);
        Assert.Equal(1UL, t.Worker(second).DeadlinesMissed);
        Assert.Equal(new Amount(Stake - Stake / 100 - (Stake - Stake / 100) / 100), t.Worker(first).Stake);
        Assert.Equal(4_375u - 4_375u / 8, t.Worker(first).Reputation);
        Assert.Equal(0u, t.Worker(first).ActiveTasks);
        Assert.Equal(0u, t.Worker(second).ActiveTasks);
        Assert.True(t.Chain.SupplyIsConserved());
    }

    [Fact]
    public void Task_is_not_handed_straight_back_to_the_worker_that_missed_it()
    {
        using var t = TaskChain.Create();
        t.ProduceOk(TaskTx.Register(Alice));
        t.ProduceOk(TaskTx.Post(Dave, Specs.Mod61(deadline: 1)));
        t.ProduceEmpty(2);

        var task = t.Task(1);
        Assert.Equal(TaskState.Posted, task.State);
        Assert.Equal(TaskOutcome.DeadlineMissed, task.Outcome);
        Assert.Equal(1, task.Attempts);
        Assert.Equal(0u, t.Worker(Alice).ActiveTasks);
        Assert.Equal(1UL, t.Worker(Alice).DeadlinesMissed);

        t.ProduceOk(TaskTx.Register(Bob));
        task = t.Task(1);
        Assert.Equal(TaskState.Assigned, task.State);
        Assert.Equal(Bob.Address, task.Worker);
        Assert.Equal(2, task.Attempts);
    }

    [Fact]
    public void Commit_at_the_deadline_height_is_in_time()
    {
        using var t = TaskChain.Create();
        t.ProduceOk(TaskTx.Register(Alice));
        t.ProduceOk(TaskTx.Post(Dave, Specs.Mod61(deadline: 2)));
        t.ProduceEmpty(1);
        t.ProduceOk(TaskTx.Commit(Alice, 1, Specs.Result(Specs.Mod61())));

        Assert.Equal(TaskState.Committed, t.Task(1).State);
        Assert.Equal(new Height(4), t.Task(1).CommitHeight);
        // A committed task has no deadline to miss.
        t.ProduceEmpty(3);
        Assert.Equal(TaskState.Committed, t.Task(1).State);
        Assert.Equal(0UL, t.Worker(Alice).DeadlinesMissed);
    }

    [Fact]
    public void Unavailable_result_counts_like_a_missed_deadline()
    {
        using var t = TaskChain.Create();
        t.Results.Prescribe(1, TaskOutcome.ResultUnavailable);
        t.ProduceOk(TaskTx.Register(Alice), TaskTx.Register(Bob));
        t.ProduceOk(TaskTx.Post(Dave, Specs.Mod61(), Fee));
        var first = KeyOf(t.Task(1).Worker);
        var second = OtherOf(first.Address);
        t.ProduceOk(TaskTx.Commit(first, 1, Specs.Result(Specs.Mod61())));
        var burnedBefore = t.Chain.Supply.Burned.Value;

        t.ProduceOk(TaskTx.Verdict(t.Validator, 1, TaskOutcome.ResultUnavailable));

        const ulong penalty = Stake / 100;
        var worker = t.Worker(first);
        Assert.Equal(new Amount(Stake - penalty), worker.Stake);
        Assert.Equal(new Amount(penalty), worker.Slashed);
        Assert.Equal(4_375u, worker.Reputation);
        Assert.Equal(1UL, worker.DeadlinesMissed);
        Assert.Equal(0UL, worker.TasksRejected);
        Assert.Equal(0u, worker.ActiveTasks);
        Assert.Equal(burnedBefore + penalty + TxFee / 2, t.Chain.Supply.Burned.Value);

        var task = t.Task(1);
        Assert.Equal(TaskState.Assigned, task.State);
        Assert.Equal(second.Address, task.Worker);
        Assert.Equal(2, task.Attempts);
        Assert.Equal(new Height(4), task.AssignedHeight);
        Assert.Equal(TaskOutcome.ResultUnavailable, task.Outcome);
        Assert.Equal(default, task.Result);
        Assert.Equal(Height.Genesis, task.CommitHeight);
        Assert.Equal(Balance - Fee - TxFee, t.Balance(Dave));
    }

    [Fact]
    public void Unavailable_result_on_the_last_attempt_expires_the_task_with_a_refund()
    {
        using var t = TaskChain.Create(p => p with { MaxTaskAttempts = 1 });
        t.Results.Prescribe(1, TaskOutcome.ResultUnavailable);
        t.ProduceOk(TaskTx.Register(Alice));
        t.ProduceOk(TaskTx.Post(Dave, Specs.Mod61(), Fee));
        t.ProduceOk(TaskTx.Commit(Alice, 1, Specs.Result(Specs.Mod61())));
        t.ProduceOk(TaskTx.Verdict(t.Validator, 1, TaskOutcome.ResultUnavailable));

        var task = t.Task(1);
        Assert.Equal(TaskState.Expired, task.State);
        Assert.Equal(TaskOutcome.ResultUnavailable, task.Outcome);
        Assert.Equal(new Height(4), task.ClosedHeight);
        Assert.Equal(Balance - TxFee, t.Balance(Dave));
        Assert.Equal(1UL, t.Worker(Alice).DeadlinesMissed);
        Assert.Equal(0u, t.Worker(Alice).ActiveTasks);
        Assert.True(t.Chain.SupplyIsConserved());
    }

    [Fact]
    public void Result_left_without_a_verdict_expires_unverified_with_a_refund_and_no_penalty()
    {
        using var t = TaskChain.Create(p => p with { VerdictTimeoutBlocks = 3 });
        t.ProduceOk(TaskTx.Register(Alice));
        t.ProduceOk(TaskTx.Post(Dave, Specs.Mod61()));
        var worker = KeyOf(t.Task(1).Worker);
        t.ProduceOk(TaskTx.Commit(worker, 1, Specs.Result(Specs.Mod61())));
        var committedAt = t.Task(1).CommitHeight.Value;
        long daveBefore = (long)t.Balance(Dave);
        var stakeBefore = t.Worker(worker).Stake;

        // No verdict is ever sent: still committed up to the timeout, expired in the block after it.
        t.ProduceEmpty(3);
        Assert.Equal(TaskState.Committed, t.Task(1).State);
        t.ProduceOk();

        var task = t.Task(1);
        Assert.Equal(TaskState.Expired, task.State);
        Assert.Equal(TaskOutcome.Unverified, task.Outcome);
        Assert.Equal(committedAt + 4, task.ClosedHeight.Value);
        Assert.Equal(daveBefore + (long)Fee, (long)t.Balance(Dave));
        Assert.Equal(stakeBefore, t.Worker(worker).Stake);
        Assert.Equal(0u, t.Worker(worker).ActiveTasks);
        Assert.Equal(0UL, t.Worker(worker).DeadlinesMissed);
        Assert.True(t.Chain.SupplyIsConserved());
    }
}
