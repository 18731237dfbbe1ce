using Pocc.Core.Crypto;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.State;
using Pocc.Ledger.Tasks;
using Pocc.Ledger.Tests.Builders;
using Pocc.Ledger.Transactions;
using static Pocc.Ledger.Tests.Builders.TestKeys;

namespace Pocc.Ledger.Tests.Tasks;

/// <summary>
/// The task rules on a hand-built state, for refusals a chain cannot reach by itself: the state transition alone,
/// without the block's begin and end or the node's result check in front of it.
/// </summary>
public sealed class TaskTransitionTests
{
    private static readonly TaskSpec Spec = Specs.Mod61(deadline: 3);
    private static readonly StateTransition Transition = new(new ChainId(GenesisBuilder.DefaultChainId), new ChainParameters());

    private static LedgerState State(ComputeTask task, bool validatorJailed = false)
    {
        var funded = new Account(new Amount(1_000_000), 0, Amount.Zero, []);
        var worker = new Worker(new Amount(TaskTx.DefaultStake), TaskKinds.All, Worker.InitialReputation, 1, 0, 0, 0, 0, Amount.Zero, Amount.Zero, new Height(1));
        return LedgerState.Create(
            [new(Alice.Address, funded), new(ValidatorKey.Address, funded with { Bonded = new Amount(1) })],
            [new(ValidatorKey.Address, new Validator(ValidatorKey.PublicKey, validatorJailed))],
            new SupplyLedger(new Amount(2_000_001 + TaskTx.DefaultStake + task.Fee.Value), Amount.Zero, Amount.Zero),
            [new(Alice.Address, worker)], [task], new TaskRegistry(task.Id + 1));
    }

    private static ComputeTask Assigned(Height at) =>
        new(1, Dave.Address, Spec, new Amount(TaskTx.DefaultTaskFee), TaskState.Assigned, at, Alice.Address, at, 1, default, Height.Genesis, TaskOutcome.None, Height.Genesis);

    private static void AssertRefusedWithoutChanges(LedgerState state, SignedTransaction tx, Height height, string code)
    {
        var changes = state.BeginChanges();
        var error = Assert.Throws<LedgerException>(() => Transition.Apply(changes, tx, height));
        Assert.True(code == error.Code, $"expected {code}, got {error.Code}: {error.Message}");
        Assert.Empty(changes.ChangedAccounts);
        Assert.Empty(changes.ChangedWorkers);
        Assert.Empty(changes.ChangedTasks);
        Assert.Equal(state.Supply, changes.Supply);
        Assert.Equal(state.Registry, changes.Registry);
        Assert.Equal(state.Root, state.PreviewRoot(changes));
    }

    [Fact]
    public void Commit_after_the_deadline_is_refused_as_deadline_passed()
    {
        var state = State(Assigned(new Height(10)));
        var commit = TaskTx.Commit(Alice, 1, Specs.Result(Spec)).Signed();

        AssertRefusedWithoutChanges(state, commit, new Height(14), LedgerErrors.TaskDeadlinePassed);

        var inTime = state.BeginChanges();
        Transition.Apply(inTime, commit, new Height(13));
        Assert.Equal(TaskState.Committed, inTime.GetTask(1)!.State);
        Assert.Equal(new Height(13), inTime.GetTask(1)!.CommitHeight);
    }

    [Theory]
    [InlineData(TaskOutcome.None)]
    [InlineData(TaskOutcome.DeadlineMissed)]
    [InlineData(TaskOutcome.Refunded)]
    [InlineData((TaskOutcome)7)]
    [InlineData((TaskOutcome)255)]
    public void Verdict_with_an_outcome_that_is_not_a_verdict_is_refused_as_task_invalid(TaskOutcome outcome)
    {
        var task = Assigned(new Height(1)) with { State = TaskState.Committed, Result = Specs.Result(Spec), CommitHeight = new Height(2) };
        var state = State(task);
        AssertRefusedWithoutChanges(state, TaskTx.Verdict(ValidatorKey, 1, outcome).Signed(), new Height(3), LedgerErrors.InvalidTask);
    }

    [Fact]
    public void Verdict_from_a_jailed_validator_is_refused()
    {
        var task = Assigned(new Height(1)) with { State = TaskState.Committed, Result = Specs.Result(Spec), CommitHeight = new Height(2) };
        var state = State(task, validatorJailed: true);
        AssertRefusedWithoutChanges(state, TaskTx.Verdict(ValidatorKey, 1, TaskOutcome.Verified).Signed(), new Height(3), LedgerErrors.NotAValidator);
    }

    [Fact]
    public void Verdict_at_the_commit_height_is_refused_as_wrong_state()
    {
        var task = Assigned(new Height(1)) with { State = TaskState.Committed, Result = Specs.Result(Spec), CommitHeight = new Height(2) };
        var state = State(task);
        AssertRefusedWithoutChanges(state, TaskTx.Verdict(ValidatorKey, 1, TaskOutcome.Verified).Signed(), new Height(2), LedgerErrors.TaskWrongState);
    }
}
