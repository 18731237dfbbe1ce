using Pocc.Ledger.Tasks;
using Pocc.Ledger.Tests.Builders;
using static Pocc.Ledger.Tests.Builders.TestKeys;

namespace Pocc.Ledger.Tests.Tasks;

/// <summary>
/// Every illegal compute-market transaction: a proposer leaves it out with a stable code, a block carrying it is
/// refused whole, and neither changes the state root, an account, a worker or a task.
/// </summary>
public sealed class TaskRefusalTests
{
    public static TheoryData<string> Refusals => TaskRefusal.Names;

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Illegal_task_transaction_is_left_out_of_a_proposal_and_refuses_a_block_that_carries_it(string name)
    {
        var refusal = TaskRefusal.Get(name);
        using var t = TaskChain.Create();
        t.Results.Prescribe(1, refusal.Prescribed);
        TaskRefusal.SetUp(t, refusal.Scene);
        TaskRefusal.AssertRefused(t, refusal.SameBlock?.Invoke(t) ?? [], refusal.Bad(t), refusal.Code, refusal.ApplyCode ?? refusal.Code);
    }

    private static readonly TaskSpec Mod61 = Specs.Mod61(2, 3, 4);
    private static readonly TaskSpec Float64 = Specs.Float64(2, 3, 4);

    private static readonly Dictionary<string, (TaskSpec Spec, ulong Fee)> BadSpecs = new()
    {
        ["rows 0"] = (Specs.Reshaped(Mod61 with { Rows = 0 }), TaskTx.DefaultTaskFee),
        ["inner 0"] = (Specs.Reshaped(Mod61 with { Inner = 0 }), TaskTx.DefaultTaskFee),
        ["columns 0"] = (Specs.Reshaped(Mod61 with { Columns = 0 }), TaskTx.DefaultTaskFee),
        ["rows above the maximum"] = (Specs.Reshaped(Mod61 with { Rows = TaskSpec.MaxDimension + 1, Inner = 1 }), TaskTx.DefaultTaskFee),
        ["inner above the maximum"] = (Specs.Reshaped(Mod61 with { Rows = 1, Inner = TaskSpec.MaxDimension + 1, Columns = 1 }), TaskTx.DefaultTaskFee),
        ["columns above the maximum"] = (Specs.Reshaped(Mod61 with { Inner = 1, Columns = TaskSpec.MaxDimension + 1 }), TaskTx.DefaultTaskFee),
        ["rows u32 max"] = (Mod61 with { Rows = uint.MaxValue }, TaskTx.DefaultTaskFee),
        ["rounds 0"] = (Mod61 with { Rounds = 0 }, TaskTx.DefaultTaskFee),
        ["rounds 65"] = (Mod61 with { Rounds = 65 }, TaskTx.DefaultTaskFee),
        ["redundancy 0"] = (Mod61 with { Redundancy = 0 }, TaskTx.DefaultTaskFee),
        ["redundancy 2"] = (Mod61 with { Redundancy = 2 }, TaskTx.DefaultTaskFee),
        ["deadline 0"] = (Mod61 with { DeadlineBlocks = 0 }, TaskTx.DefaultTaskFee),
        ["deadline 100001"] = (Mod61 with { DeadlineBlocks = 100_001 }, TaskTx.DefaultTaskFee),
        ["float64 with tolerance 0"] = (Float64 with { ToleranceppB = 0 }, TaskTx.DefaultTaskFee),
        ["float64 with tolerance above 10^9"] = (Float64 with { ToleranceppB = 1_000_000_001 }, TaskTx.DefaultTaskFee),
        ["mod61 with tolerance 1"] = (Mod61 with { ToleranceppB = 1 }, TaskTx.DefaultTaskFee),
        ["input A one byte short"] = (Mod61 with { InputA = Mod61.InputA with { Size = Mod61.InputA.Size - 1 } }, TaskTx.DefaultTaskFee),
        ["input A one byte long"] = (Mod61 with { InputA = Mod61.InputA with { Size = Mod61.InputA.Size + 1 } }, TaskTx.DefaultTaskFee),
        ["input B one byte long"] = (Mod61 with { InputB = Mod61.InputB with { Size = Mod61.InputB.Size + 1 } }, TaskTx.DefaultTaskFee),
        ["inputs swapped"] = (Mod61 with { InputA = Mod61.InputB, InputB = Mod61.InputA }, TaskTx.DefaultTaskFee),
        ["input A of the transposed shape's payload without header"] = (Mod61 with { InputA = Mod61.InputA with { Size = 8UL * 2 * 3 } }, TaskTx.DefaultTaskFee),
        ["fee one below the minimum task fee"] = (Mod61, 999),
        ["fee 0"] = (Mod61, 0),
        ["unknown kind 0"] = (Mod61 with { Kind = 0 }, TaskTx.DefaultTaskFee),
        ["unknown kind 5"] = (Mod61 with { Kind = (TaskKind)5 }, TaskTx.DefaultTaskFee),
        ["a product's dimensions under a STARK kind"] = (Mod61 with { Kind = TaskKind.StarkPermutationChain }, TaskTx.DefaultTaskFee),
        ["STARK with 0 steps"] = (Specs.Stark(steps: 0), TaskTx.DefaultTaskFee),
        ["STARK with 62 steps"] = (Specs.Stark(steps: 62), TaskTx.DefaultTaskFee),
        ["STARK with 2^20 steps"] = (Specs.Stark(steps: 1 << 20), TaskTx.DefaultTaskFee),
        ["STARK asking 95 bits"] = (Specs.Stark(bits: 95), TaskTx.DefaultTaskFee),
        ["STARK asking 119 bits of a 64-row trace"] = (Specs.Stark(steps: 63, bits: 119), TaskTx.DefaultTaskFee),
        ["STARK asking 105 bits of a 2^20-row trace"] = (Specs.Stark(steps: (1 << 20) - 1, bits: 105), TaskTx.DefaultTaskFee),
        ["STARK with an inner dimension"] = (Specs.Stark() with { Inner = 1 }, TaskTx.DefaultTaskFee),
        ["STARK with columns"] = (Specs.Stark() with { Columns = 4 }, TaskTx.DefaultTaskFee),
        ["STARK with a tolerance"] = (Specs.Stark() with { ToleranceppB = 1 }, TaskTx.DefaultTaskFee),
        ["STARK with a second input"] = (Specs.Stark() with { InputB = Mod61.InputB }, TaskTx.DefaultTaskFee),
        ["STARK inputs one byte long"] = (Specs.Stark() with { InputA = Specs.Stark().InputA with { Size = Specs.Stark().InputA.Size + 1 } }, TaskTx.DefaultTaskFee),
        ["STARK recurrence with a chain's inputs size"] = (Specs.Stark(TaskKind.StarkMatrixRecurrence) with { InputA = Specs.Stark().InputA }, TaskTx.DefaultTaskFee),
        ["unknown kind 255"] = (Float64 with { Kind = (TaskKind)255 }, TaskTx.DefaultTaskFee),
    };

    public static TheoryData<string> BadSpecNames => [.. BadSpecs.Keys];

    [Theory]
    [MemberData(nameof(BadSpecNames))]
    public void Post_with_an_invalid_spec_is_refused_as_task_invalid(string name)
    {
        var (spec, fee) = BadSpecs[name];
        using var t = TaskChain.Create();
        Assert.Equal(1_000UL, t.Chain.Parameters.MinimumTaskFee.Value);
        TaskRefusal.SetUp(t, TaskScene.Worker);
        TaskRefusal.AssertRefused(t, [], TaskTx.Post(Dave, spec, fee), LedgerErrors.InvalidTask, LedgerErrors.InvalidTask);
        Assert.Empty(t.Chain.GetTasks(ulong.MaxValue, 10));
        // The stateless check says the same, so the mempool refuses it before it reaches a block.
        var error = Assert.Throws<LedgerException>(() => t.Chain.Transition.CheckStateless(TaskTx.Post(Dave, spec, fee).Signed()));
        Assert.Equal(LedgerErrors.InvalidTask, error.Code);
    }

    private static readonly Dictionary<string, (TaskSpec Spec, ulong Fee)> BoundarySpecs = new()
    {
        ["1x1x1"] = (Specs.Mod61(1, 1, 1), TaskTx.DefaultTaskFee),
        ["rows at the maximum"] = (Specs.Reshaped(Mod61 with { Rows = TaskSpec.MaxDimension, Inner = 1, Columns = 1 }), TaskTx.DefaultTaskFee),
        ["columns at the maximum"] = (Specs.Reshaped(Mod61 with { Rows = 1, Inner = 1, Columns = TaskSpec.MaxDimension }), TaskTx.DefaultTaskFee),
        ["rounds 1"] = (Mod61 with { Rounds = 1 }, TaskTx.DefaultTaskFee),
        ["rounds 64"] = (Mod61 with { Rounds = 64 }, TaskTx.DefaultTaskFee),
        ["deadline 1"] = (Mod61 with { DeadlineBlocks = 1 }, TaskTx.DefaultTaskFee),
        ["deadline 100000"] = (Mod61 with { DeadlineBlocks = 100_000 }, TaskTx.DefaultTaskFee),
        ["float64 with tolerance 1"] = (Float64 with { ToleranceppB = 1 }, TaskTx.DefaultTaskFee),
        ["float64 with tolerance 10^9"] = (Float64 with { ToleranceppB = 1_000_000_000 }, TaskTx.DefaultTaskFee),
        ["fee at the minimum task fee"] = (Mod61, 1_000),
        ["STARK chain of 63 steps at 96 bits"] = (Specs.Stark(steps: 63), TaskTx.DefaultTaskFee),
        ["STARK chain of 2^20 - 1 steps at 104 bits"] = (Specs.Stark(steps: (1 << 20) - 1, bits: 104), TaskTx.DefaultTaskFee),
        ["STARK recurrence of 63 steps at 118 bits"] = (Specs.Stark(TaskKind.StarkMatrixRecurrence, steps: 63, bits: 118), TaskTx.DefaultTaskFee),
        ["fee of the whole balance left after the transaction fee"] = (Mod61, GenesisBuilder.DefaultBalance - TxBuilder.DefaultFee),
    };

    public static TheoryData<string> BoundarySpecNames => [.. BoundarySpecs.Keys];

    [Theory]
    [MemberData(nameof(BoundarySpecNames))]
    public void Post_with_a_spec_at_a_boundary_is_accepted(string name)
    {
        var (spec, fee) = BoundarySpecs[name];
        using var t = TaskChain.Create();
        t.ProduceOk(TaskTx.Post(Dave, spec, fee));
        var task = t.Task(1);
        Assert.Equal(spec, task.Spec);
        Assert.Equal(fee, task.Fee.Value);
        Assert.Equal(GenesisBuilder.DefaultBalance - fee - TxBuilder.DefaultFee, t.Balance(Dave));
    }

    [Fact]
    public void Post_whose_matrices_exceed_what_the_matrix_codec_can_hold_is_refused()
    {
        using var t = TaskChain.Create();
        TaskRefusal.SetUp(t, TaskScene.Worker);
        var spec = Specs.Mod61(TaskSpec.MaxDimension, TaskSpec.MaxDimension, 1);
        Assert.True((long)spec.Rows * spec.Inner > Core.Matrices.MatrixCodec.MaxElements);
        TaskRefusal.AssertRefused(t, [], TaskTx.Post(Dave, spec), LedgerErrors.InvalidTask, LedgerErrors.InvalidTask);
    }

    [Theory]
    [InlineData(TaskOutcome.Verified)]
    [InlineData(TaskOutcome.WrongResult)]
    [InlineData(TaskOutcome.MalformedResult)]
    [InlineData(TaskOutcome.ResultUnavailable)]
    public void Any_verdict_is_refused_by_a_chain_without_a_result_verifier(TaskOutcome outcome)
    {
        using var t = TaskChain.Create(verifier: false);
        TaskRefusal.SetUp(t, TaskScene.Committed);
        TaskRefusal.AssertRefused(t, [], TaskTx.Verdict(t.Validator, 1, outcome), LedgerErrors.VerdictMismatch, LedgerErrors.BlockVerdictMismatch);
        Assert.Equal(TaskState.Committed, t.Task(1).State);
    }

    [Fact]
    public void Verdict_in_the_same_block_as_the_commit_is_refused_as_wrong_state()
    {
        using var t = TaskChain.Create();
        TaskRefusal.SetUp(t, TaskScene.Assigned);
        TaskRefusal.AssertRefused(t, [TaskTx.Commit(Alice, 1, TaskRefusal.Result)], TaskTx.Verdict(t.Validator, 1, TaskOutcome.Verified),
            LedgerErrors.TaskWrongState, LedgerErrors.TaskWrongState);
    }

    [Fact]
    public void Verdict_in_the_same_block_as_the_commit_is_refused_and_the_commit_kept()
    {
        using var t = TaskChain.Create();
        TaskRefusal.SetUp(t, TaskScene.Assigned);
        var signed = t.Sign(TaskTx.Commit(Alice, 1, TaskRefusal.Result), TaskTx.Verdict(t.Validator, 1, TaskOutcome.Verified));
        var produced = t.Test.Produce(signed);
        Assert.Equal([signed[0].Hash], produced.Block.Transactions.Select(tx => tx.Hash));
        Assert.Same(signed[1], Assert.Single(produced.Rejected).Transaction);
        Assert.Equal(TaskState.Committed, t.Task(1).State);
        Assert.Empty(t.Results.Calls);
    }

    [Fact]
    public void Late_commit_is_refused_as_deadline_passed()
    {
        using var t = TaskChain.Create();
        t.ProduceOk(TaskTx.Register(Alice), TaskTx.Register(Bob));
        t.ProduceOk(TaskTx.Post(Dave, Specs.Mod61(deadline: 1)));
        var late = t.Task(1).Worker == Alice.Address ? Alice : Bob;
        t.ProduceEmpty(1);
        TaskRefusal.AssertRefused(t, [], TaskTx.Commit(late, 1, Specs.Result(Specs.Mod61())), LedgerErrors.TaskDeadlinePassed, LedgerErrors.TaskDeadlinePassed);
    }

    [Fact]
    public void Late_commit_is_refused_and_the_late_worker_is_penalized()
    {
        using var t = TaskChain.Create();
        t.ProduceOk(TaskTx.Register(Alice));
        t.ProduceOk(TaskTx.Post(Dave, Specs.Mod61(deadline: 1)));
        t.ProduceEmpty(1);
        var produced = t.Produce(TaskTx.Commit(Alice, 1, Specs.Result(Specs.Mod61())));
        Assert.Empty(produced.Block.Transactions);
        Assert.Single(produced.Rejected);
        Assert.Equal(TaskState.Posted, t.Task(1).State);
        Assert.Equal(1UL, t.Worker(Alice).DeadlinesMissed);
    }

    [Fact]
    public void Verdict_from_a_non_validator_is_refused_without_running_the_result_check()
    {
        using var t = TaskChain.Create();
        TaskRefusal.SetUp(t, TaskScene.Committed);
        TaskRefusal.AssertRefused(t, [], TaskTx.Verdict(Bob, 1, TaskOutcome.WrongResult), LedgerErrors.NotAValidator, LedgerErrors.NotAValidator);
        Assert.Empty(t.Results.Calls);
    }
}
