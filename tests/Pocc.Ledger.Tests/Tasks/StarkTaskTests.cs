using Pocc.Ledger.Tasks;
using Pocc.Ledger.Tests.Builders;
using Pocc.Proofs.Stark.Tasks;
using static Pocc.Ledger.Tests.Builders.TestKeys;

namespace Pocc.Ledger.Tests.Tasks;

/// <summary>STARK task kinds in the market: who may take them, what a commitment may be, and what settles them.</summary>
public sealed class StarkTaskTests
{
    [Theory]
    [InlineData(TaskKind.StarkPermutationChain, 48UL)]
    [InlineData(TaskKind.StarkMatrixRecurrence, 32UL)]
    public void A_verified_STARK_task_settles_and_credits_its_native_operations(TaskKind kind, ulong operationsPerStep)
    {
        using var t = TaskChain.Create();
        var spec = Specs.Stark(kind, steps: 4_095);
        Assert.Equal(VerificationPolicy.Stark, spec.Policy);
        Assert.Equal(96, spec.SoundnessBits);
        t.ProduceOk(TaskTx.Register(Alice, capabilities: TaskKinds.RequiredCapability(kind)));
        t.ProduceOk(TaskTx.Post(Dave, spec));
        Assert.Equal(Alice.Address, t.Task(1).Worker);

        t.ProduceOk(TaskTx.Commit(Alice, 1, Specs.StarkResult()));
        Assert.Equal(TaskState.Committed, t.Task(1).State);
        t.ProduceOk(TaskTx.Verdict(t.Validator, 1, TaskOutcome.Verified));

        Assert.Equal(TaskState.Settled, t.Task(1).State);
        Assert.Equal(operationsPerStep * 4_095, t.Worker(Alice).VerifiedComputeUnits);
        Assert.True(t.Chain.SupplyIsConserved());
    }

    [Fact]
    public void A_worker_without_the_STARK_capability_is_not_assigned_a_STARK_task()
    {
        using var t = TaskChain.Create();
        t.ProduceOk(TaskTx.Register(Alice, capabilities: WorkerCapabilities.MatmulMod61 | WorkerCapabilities.StarkMatrixRecurrence));
        t.ProduceOk(TaskTx.Post(Dave, Specs.Stark(TaskKind.StarkPermutationChain)));
        Assert.Equal(TaskState.Posted, t.Task(1).State);
        t.ProduceOk(TaskTx.Post(Dave, Specs.Stark(TaskKind.StarkMatrixRecurrence)));
        Assert.Equal(TaskState.Assigned, t.Task(2).State);
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData((ulong)StarkTaskBlobs.MinResultSize - 1)]
    [InlineData((ulong)StarkTaskBlobs.MaxResultSize + 1)]
    public void A_STARK_commitment_outside_the_result_size_bounds_is_refused(ulong size)
    {
        using var t = TaskChain.Create();
        t.ProduceOk(TaskTx.Register(Alice));
        t.ProduceOk(TaskTx.Post(Dave, Specs.Stark()));
        TaskRefusal.AssertRefused(t, [], TaskTx.Commit(Alice, 1, Specs.StarkResult(size)), LedgerErrors.InvalidTask, LedgerErrors.InvalidTask);
        Assert.Equal(TaskState.Assigned, t.Task(1).State);
    }

    [Theory]
    [InlineData((ulong)StarkTaskBlobs.MinResultSize)]
    [InlineData((ulong)StarkTaskBlobs.MaxResultSize)]
    public void A_STARK_commitment_at_the_result_size_bounds_is_accepted(ulong size)
    {
        using var t = TaskChain.Create();
        t.ProduceOk(TaskTx.Register(Alice));
        t.ProduceOk(TaskTx.Post(Dave, Specs.Stark()));
        t.ProduceOk(TaskTx.Commit(Alice, 1, Specs.StarkResult(size)));
        Assert.Equal(size, t.Task(1).Result.Size);
    }

    [Fact]
    public void A_rejected_STARK_proof_slashes_the_worker_and_refunds_the_requester()
    {
        using var t = TaskChain.Create();
        t.Results.Prescribe(1, TaskOutcome.WrongResult);
        t.ProduceOk(TaskTx.Register(Alice));
        ulong daveBefore = t.Balance(Dave);
        t.ProduceOk(TaskTx.Post(Dave, Specs.Stark()));
        t.ProduceOk(TaskTx.Commit(Alice, 1, Specs.StarkResult()));
        t.ProduceOk(TaskTx.Verdict(t.Validator, 1, TaskOutcome.WrongResult));
        Assert.Equal(TaskState.Rejected, t.Task(1).State);
        Assert.True(t.Worker(Alice).Slashed.Value > 0);
        Assert.Equal(daveBefore - TxBuilder.DefaultFee, t.Balance(Dave));
        Assert.True(t.Chain.SupplyIsConserved());
    }
}
