using Pocc.Ledger.Tasks;
using Pocc.Ledger.Tests.Builders;
using static Pocc.Ledger.Tests.Builders.TestKeys;

namespace Pocc.Ledger.Tests.Tasks;

/// <summary>How far the compute market has got before the transaction under test; task 1 is dave's <see cref="TaskRefusal.Spec"/>.</summary>
internal enum TaskScene
{
    /// <summary>Nothing has happened.</summary>
    Empty,

    /// <summary>Alice is registered as a worker (all capabilities).</summary>
    Worker,

    /// <summary>Task 1 is posted and no worker exists, so it stays Posted.</summary>
    Posted,

    /// <summary>Alice is the only worker and task 1 is assigned to her.</summary>
    Assigned,

    /// <summary>Alice and bob are workers and task 1 is assigned to one of them.</summary>
    AssignedOfTwo,

    /// <summary>Alice committed a result for task 1 in the last block.</summary>
    Committed,

    /// <summary>Task 1 was verified and settled.</summary>
    Settled,
}

/// <summary>
/// A compute-market transaction the ledger must refuse with <see cref="Code"/> (and a block carrying it with
/// <see cref="ApplyCode"/>, the same unless given), after <see cref="Scene"/>, with <see cref="SameBlock"/> ahead of it
/// in its block. The verifier answers <see cref="Prescribed"/> for task 1.
/// </summary>
internal sealed record TaskRefusal(
    TaskScene Scene,
    Func<TaskChain, TxBuilder> Bad,
    string Code,
    string? ApplyCode = null,
    Func<TaskChain, TxBuilder[]>? SameBlock = null,
    TaskOutcome Prescribed = TaskOutcome.Verified)
{
    public static readonly TaskSpec Spec = Specs.Mod61(2, 3, 4, deadline: 5);

    public static readonly BlobRef Result = Specs.Result(Spec);

    public static void SetUp(TaskChain t, TaskScene scene)
    {
        switch (scene)
        {
            case TaskScene.Empty:
                break;
            case TaskScene.Worker:
                t.ProduceOk(TaskTx.Register(Alice));
                break;
            case TaskScene.Posted:
                t.ProduceOk(TaskTx.Post(Dave, Spec));
                Assert.Equal(TaskState.Posted, t.Task(1).State);
                break;
            case TaskScene.Assigned:
                SetUp(t, TaskScene.Worker);
                t.ProduceOk(TaskTx.Post(Dave, Spec));
                Assert.Equal(Alice.Address, t.Task(1).Worker);
                break;
            case TaskScene.AssignedOfTwo:
                t.ProduceOk(TaskTx.Register(Alice), TaskTx.Register(Bob));
                t.ProduceOk(TaskTx.Post(Dave, Spec));
                Assert.Equal(TaskState.Assigned, t.Task(1).State);
                break;
            case TaskScene.Committed:
                SetUp(t, TaskScene.Assigned);
                t.ProduceOk(TaskTx.Commit(Alice, 1, Result));
                break;
            case TaskScene.Settled:
                SetUp(t, TaskScene.Committed);
                t.ProduceOk(TaskTx.Verdict(t.Validator, 1, TaskOutcome.Verified));
                Assert.Equal(TaskState.Settled, t.Task(1).State);
                break;
        }
    }

    /// <summary>
    /// Proposing leaves <paramref name="bad"/> out with <paramref name="code"/> and keeps the rest; voting on (validating)
    /// a block that carries it fails with <paramref name="applyCode"/>, and so does applying it unless only the verdict
    /// check objects; nothing changes; the honest proposal still commits.
    /// </summary>
    public static void AssertRefused(TaskChain t, TxBuilder[] sameBlock, TxBuilder bad, string code, string applyCode)
    {
        var signed = t.Sign([.. sameBlock, bad]);
        var badTx = signed[^1];
        var before = TaskSnapshot.Of(t.Chain);

        var proposed = t.Test.Propose(signed);
        Assert.Equal(signed[..^1].Select(tx => tx.Hash), proposed.Block.Transactions.Select(tx => tx.Hash));
        var rejected = Assert.Single(proposed.Rejected);
        Assert.Same(badTx, rejected.Transaction);
        Assert.True(code == rejected.Code, $"expected {code}, got {rejected.Code}: {rejected.Reason}");
        Assert.False(string.IsNullOrWhiteSpace(rejected.Reason));
        Assert.Equal(before, TaskSnapshot.Of(t.Chain));

        var forged = Tamper.Transactions(proposed.Block, [.. proposed.Block.Transactions, badTx]);
        var validation = t.Chain.Validate(forged);
        Assert.True(applyCode == validation.Code, $"expected {applyCode} from Validate, got {validation.Code}: {validation.Reason}");
        // A verdict's check is a voter's own judgement, made by Validate; every other rule holds for a committed block too.
        if (applyCode != LedgerErrors.BlockVerdictMismatch)
        {
            var error = Assert.Throws<LedgerException>(() => t.Chain.Apply(forged, t.Test.SignCommit(forged)));
            Assert.True(applyCode == error.Code, $"expected {applyCode} from Apply, got {error.Code}: {error.Message}");
        }
        Assert.Equal(before, TaskSnapshot.Of(t.Chain));

        t.Chain.Commit(proposed, t.Test.SignCommit(proposed.Block));
        Assert.Equal(before.Height.Next, t.Chain.Height);
        Assert.True(t.Chain.SupplyIsConserved());
    }

    public static TheoryData<string> Names => [.. Cases.Keys];

    public static TaskRefusal Get(string name) => Cases[name];

    private static readonly Dictionary<string, TaskRefusal> Cases = new()
    {
        // Registration.
        ["register twice"] = new(TaskScene.Worker, _ => TaskTx.Register(Alice), LedgerErrors.WorkerExists),
        ["register twice in one block"] = new(TaskScene.Empty, _ => TaskTx.Register(Alice), LedgerErrors.WorkerExists,
            SameBlock: _ => [TaskTx.Register(Alice)]),
        ["stake one below the minimum"] = new(TaskScene.Empty, _ => TaskTx.Register(Alice, stake: 999_999), LedgerErrors.InsufficientStake),
        ["stake of zero"] = new(TaskScene.Empty, _ => TaskTx.Register(Alice, stake: 0), LedgerErrors.ZeroAmount),
        ["stake above the balance"] = new(TaskScene.Empty, _ => TaskTx.Register(Alice, stake: GenesisBuilder.DefaultBalance), LedgerErrors.InsufficientFunds),
        ["no capabilities"] = new(TaskScene.Empty, _ => TaskTx.Register(Alice, capabilities: WorkerCapabilities.None), LedgerErrors.InvalidTask),
        ["an unknown capability bit"] = new(TaskScene.Empty, _ => TaskTx.Register(Alice, capabilities: (WorkerCapabilities)(1u << 4)), LedgerErrors.InvalidTask),
        ["known capabilities plus an unknown bit"] = new(TaskScene.Empty,
            _ => TaskTx.Register(Alice, capabilities: TaskKinds.All | (WorkerCapabilities)(1u << 31)), LedgerErrors.InvalidTask),

        // Posting (bad specs have their own theory).
        ["fee and escrow above the balance"] = new(TaskScene.Worker, _ => TaskTx.Post(Dave, Spec, GenesisBuilder.DefaultBalance - TxBuilder.DefaultFee + 1),
            LedgerErrors.InsufficientFunds),

        // Commitments.
        ["commit for an unknown task"] = new(TaskScene.Assigned, _ => TaskTx.Commit(Alice, 2, Result), LedgerErrors.TaskNotFound),
        ["commit by a sender that is not a worker"] = new(TaskScene.Assigned, _ => TaskTx.Commit(Bob, 1, Result), LedgerErrors.TaskNotAssignedToSender),
        ["commit by the requester"] = new(TaskScene.Assigned, _ => TaskTx.Commit(Dave, 1, Result), LedgerErrors.TaskNotAssignedToSender),
        ["commit by a worker the task is not assigned to"] = new(TaskScene.AssignedOfTwo,
            t => TaskTx.Commit(t.Task(1).Worker == Alice.Address ? Bob : Alice, 1, Result), LedgerErrors.TaskNotAssignedToSender),
        ["commit on a posted task"] = new(TaskScene.Posted, _ => TaskTx.Commit(Alice, 1, Result), LedgerErrors.TaskWrongState),
        ["commit on a committed task"] = new(TaskScene.Committed, _ => TaskTx.Commit(Alice, 1, Result), LedgerErrors.TaskWrongState),
        ["commit twice in one block"] = new(TaskScene.Assigned, _ => TaskTx.Commit(Alice, 1, Specs.Result(Spec, "other")), LedgerErrors.TaskWrongState,
            SameBlock: _ => [TaskTx.Commit(Alice, 1, Result)]),
        ["commit on a settled task"] = new(TaskScene.Settled, _ => TaskTx.Commit(Alice, 1, Result), LedgerErrors.TaskWrongState),
        ["commit with a result one byte short"] = new(TaskScene.Assigned, _ => TaskTx.Commit(Alice, 1, Result with { Size = Result.Size - 1 }), LedgerErrors.InvalidTask),
        ["commit with a result one byte long"] = new(TaskScene.Assigned, _ => TaskTx.Commit(Alice, 1, Result with { Size = Result.Size + 1 }), LedgerErrors.InvalidTask),
        ["commit with a result the size of input A"] = new(TaskScene.Assigned, _ => TaskTx.Commit(Alice, 1, Spec.InputA), LedgerErrors.InvalidTask),
        ["commit with an empty result"] = new(TaskScene.Assigned, _ => TaskTx.Commit(Alice, 1, default), LedgerErrors.InvalidTask),

        // Verdicts.
        ["verdict by an account that is not a validator"] = new(TaskScene.Committed, _ => TaskTx.Verdict(Bob, 1, TaskOutcome.Verified), LedgerErrors.NotAValidator),
        ["verdict by the worker on its own result"] = new(TaskScene.Committed, _ => TaskTx.Verdict(Alice, 1, TaskOutcome.Verified), LedgerErrors.NotAValidator),
        ["verdict on an unknown task"] = new(TaskScene.Committed, t => TaskTx.Verdict(t.Validator, 2, TaskOutcome.Verified), LedgerErrors.TaskNotFound),
        ["verdict on a posted task"] = new(TaskScene.Posted, t => TaskTx.Verdict(t.Validator, 1, TaskOutcome.Verified), LedgerErrors.TaskWrongState),
        ["verdict on an assigned task"] = new(TaskScene.Assigned, t => TaskTx.Verdict(t.Validator, 1, TaskOutcome.Verified), LedgerErrors.TaskWrongState),
        ["verdict on a settled task"] = new(TaskScene.Settled, t => TaskTx.Verdict(t.Validator, 1, TaskOutcome.Verified), LedgerErrors.TaskWrongState),
        ["second verdict in one block"] = new(TaskScene.Committed, t => TaskTx.Verdict(t.Validator, 1, TaskOutcome.Verified), LedgerErrors.TaskWrongState,
            SameBlock: t => [TaskTx.Verdict(t.Validator, 1, TaskOutcome.Verified)]),
        ["verdict Verified on a wrong result"] = new(TaskScene.Committed, t => TaskTx.Verdict(t.Validator, 1, TaskOutcome.Verified),
            LedgerErrors.VerdictMismatch, LedgerErrors.BlockVerdictMismatch, Prescribed: TaskOutcome.WrongResult),
        ["verdict WrongResult on a correct result"] = new(TaskScene.Committed, t => TaskTx.Verdict(t.Validator, 1, TaskOutcome.WrongResult),
            LedgerErrors.VerdictMismatch, LedgerErrors.BlockVerdictMismatch),
        ["verdict MalformedResult on a wrong result"] = new(TaskScene.Committed, t => TaskTx.Verdict(t.Validator, 1, TaskOutcome.MalformedResult),
            LedgerErrors.VerdictMismatch, LedgerErrors.BlockVerdictMismatch, Prescribed: TaskOutcome.WrongResult),
        ["verdict ResultUnavailable on an available result"] = new(TaskScene.Committed, t => TaskTx.Verdict(t.Validator, 1, TaskOutcome.ResultUnavailable),
            LedgerErrors.VerdictMismatch, LedgerErrors.BlockVerdictMismatch),
        ["verdict Verified on an unavailable result"] = new(TaskScene.Committed, t => TaskTx.Verdict(t.Validator, 1, TaskOutcome.Verified),
            LedgerErrors.VerdictMismatch, LedgerErrors.BlockVerdictMismatch, Prescribed: TaskOutcome.ResultUnavailable),
    };
}
