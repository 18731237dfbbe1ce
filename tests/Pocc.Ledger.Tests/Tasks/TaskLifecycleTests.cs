using System.Buffers.Binary;
using Pocc.Core.Addressing;
using Pocc.Core.Hashing;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.State;
using Pocc.Ledger.Tasks;
using Pocc.Ledger.Tests.Builders;
using static Pocc.Ledger.Tests.Builders.TestKeys;

namespace Pocc.Ledger.Tests.Tasks;

/// <summary>
/// A task's life over real blocks: registration, posting, assignment, commitment, verdict, settlement or rejection,
/// and who is paid what. Amounts follow the default parameters (checked first), so they are written out.
/// </summary>
public sealed class TaskLifecycleTests
{
    private const ulong Balance = GenesisBuilder.DefaultBalance;
    private const ulong TxFee = TxBuilder.DefaultFee;
    private const ulong TxFeeBurn = TxFee / 2;
    private const ulong Reward = 1_000_000;
    private const ulong Stake = TaskTx.DefaultStake;
    private const ulong Fee = TaskTx.DefaultTaskFee;
    private const ulong Share = Fee * 500 / 10_000;
    private const ulong Pool = Reward * 5_000 / 10_000;

    private static void AssertDefaultParameters(ChainParameters p)
    {
        Assert.Equal(Reward, p.BlockReward.Value);
        Assert.Equal(5_000UL, p.FeeBurnBasisPoints);
        Assert.Equal(500UL, p.VerificationFeeBasisPoints);
        Assert.Equal(5_000UL, p.WorkerRewardBasisPoints);
        Assert.Equal(5_000UL, p.SlashBasisPoints);
        Assert.Equal(100UL, p.LatenessPenaltyBasisPoints);
        Assert.Equal(1_000_000UL, p.MinimumWorkerStake.Value);
    }

    [Fact]
    public void Verified_task_settles_paying_the_worker_the_proposer_and_the_reward_pool()
    {
        using var t = TaskChain.Create();
        AssertDefaultParameters(t.Chain.Parameters);

        // Block 1: alice registers; her stake leaves her balance and is locked in the worker.
        t.ProduceOk(TaskTx.Register(Alice));
        var worker = t.Worker(Alice);
        Assert.Equal(new Amount(Stake), worker.Stake);
        Assert.Equal(TaskKinds.All, worker.Capabilities);
        Assert.Equal(5_000u, worker.Reputation);
        Assert.Equal(0u, worker.ActiveTasks);
        Assert.Equal(new Height(1), worker.RegisteredHeight);
        Assert.Equal(Balance - Stake - TxFee, t.Balance(Alice));

        // Block 2: dave posts; the fee goes into escrow, the task gets id 1 and the end of the block assigns it.
        var spec = Specs.Mod61(2, 3, 4);
        t.ProduceOk(TaskTx.Post(Dave, spec, Fee));
        var task = t.Task(1);
        Assert.Equal(Dave.Address, task.Requester);
        Assert.Equal(spec, task.Spec);
        Assert.Equal(new Amount(Fee), task.Fee);
        Assert.Equal(new Height(2), task.PostedHeight);
        Assert.Equal(TaskState.Assigned, task.State);
        Assert.Equal(Alice.Address, task.Worker);
        Assert.Equal(new Height(2), task.AssignedHeight);
        Assert.Equal(1, task.Attempts);
        Assert.Equal(1u, t.Worker(Alice).ActiveTasks);
        Assert.Equal(Balance - Fee - TxFee, t.Balance(Dave));
        Assert.Equal([1UL], t.Chain.GetOpenTasks().Select(x => x.Id));

        // Block 3: alice commits her result.
        var result = Specs.Result(spec);
        t.ProduceOk(TaskTx.Commit(Alice, 1, result));
        task = t.Task(1);
        Assert.Equal(TaskState.Committed, task.State);
        Assert.Equal(result, task.Result);
        Assert.Equal(new Height(3), task.CommitHeight);
        Assert.Equal(1u, t.Worker(Alice).ActiveTasks);

        // Block 4: the validator's verdict; the task settles in the same block.
        ulong aliceBefore = t.Balance(Alice);
        ulong validatorBefore = t.Balance(t.Validator);
        t.ProduceOk(TaskTx.Verdict(t.Validator, 1, TaskOutcome.Verified));
        task = t.Task(1);
        Assert.Equal(TaskState.Settled, task.State);
        Assert.Equal(TaskOutcome.Verified, task.Outcome);
        Assert.Equal(new Height(4), task.ClosedHeight);
        Assert.Empty(t.Chain.GetOpenTasks());

        // The worker: the fee less the verification share, and the whole worker pool (the only compute settled).
        Assert.Equal(aliceBefore + (Fee - Share) + Pool, t.Balance(Alice));
        // The proposer (who also sent the verdict): its fee back less the burn, the share, and the rest of the reward.
        Assert.Equal(validatorBefore - TxFee + (TxFee - TxFeeBurn) + Share + (Reward - Pool), t.Balance(t.Validator));
        Assert.Equal(Balance - Fee - TxFee, t.Balance(Dave));

        worker = t.Worker(Alice);
        Assert.Equal(2UL * 2 * 3 * 4, worker.VerifiedComputeUnits);
        Assert.Equal(1UL, worker.TasksSettled);
        Assert.Equal(new Amount(Fee - Share + Pool), worker.Earned);
        Assert.Equal(5_000u + (10_000u - 5_000u) / 8, worker.Reputation);
        Assert.Equal(0u, worker.ActiveTasks);
        Assert.Equal(new Amount(Stake), worker.Stake);
        Assert.Equal(Amount.Zero, worker.Slashed);
        Assert.Equal(0UL, worker.TasksRejected);

        var supply = t.Chain.Supply;
        Assert.Equal(Reward * 4, supply.Minted.Value);
        Assert.Equal(TxFeeBurn * 4, supply.Burned.Value);
        Assert.True(t.Chain.SupplyIsConserved());
    }

    [Fact]
    public void Reputation_after_successive_settlements_follows_the_integer_moving_average()
    {
        using var t = TaskChain.Create();
        t.ProduceOk(TaskTx.Register(Alice));
        uint expected = Worker.InitialReputation;
        for (ulong id = 1; id <= 3; id++)
        {
            t.ProduceOk(TaskTx.Post(Dave, Specs.Mod61()));
            t.ProduceOk(TaskTx.Commit(Alice, id, Specs.Result(Specs.Mod61())));
            t.ProduceOk(TaskTx.Verdict(t.Validator, id, TaskOutcome.Verified));
            expected += (Worker.MaxReputation - expected) / 8;
            Assert.Equal(expected, t.Worker(Alice).Reputation);
        }
        Assert.Equal(6_649u, expected);
        Assert.Equal(3UL, t.Worker(Alice).TasksSettled);
    }

    [Theory]
    [InlineData(TaskOutcome.WrongResult)]
    [InlineData(TaskOutcome.MalformedResult)]
    public void Proven_wrong_result_is_rejected_slashing_and_burning_stake_and_refunding_the_requester(TaskOutcome outcome)
    {
        using var t = TaskChain.Create();
        AssertDefaultParameters(t.Chain.Parameters);
        t.Results.Prescribe(1, outcome);
        t.ProduceOk(TaskTx.Register(Alice));
        t.ProduceOk(TaskTx.Post(Dave, Specs.Mod61(), Fee));
        t.ProduceOk(TaskTx.Commit(Alice, 1, Specs.Result(Specs.Mod61())));
        var burnedBefore = t.Chain.Supply.Burned.Value;
        ulong daveBefore = t.Balance(Dave);
        ulong aliceBefore = t.Balance(Alice);
        ulong validatorBefore = t.Balance(t.Validator);

        t.ProduceOk(TaskTx.Verdict(t.Validator, 1, outcome));

        var task = t.Task(1);
        Assert.Equal(TaskState.Rejected, task.State);
        Assert.Equal(outcome, task.Outcome);
        Assert.Equal(new Height(4), task.ClosedHeight);
        Assert.Empty(t.Chain.GetOpenTasks());

        const ulong slash = Stake * 5_000 / 10_000;
        var worker = t.Worker(Alice);
        Assert.Equal(new Amount(Stake - slash), worker.Stake);
        Assert.Equal(new Amount(slash), worker.Slashed);
        Assert.Equal(0u, worker.Reputation);
        Assert.Equal(1UL, worker.TasksRejected);
        Assert.Equal(0UL, worker.TasksSettled);
        Assert.Equal(0u, worker.ActiveTasks);
        Assert.Equal(Amount.Zero, worker.Earned);

        Assert.Equal(burnedBefore + slash + TxFeeBurn, t.Chain.Supply.Burned.Value);
        Assert.Equal(daveBefore + Fee, t.Balance(Dave));
        Assert.Equal(Balance - TxFee, t.Balance(Dave));
        Assert.Equal(aliceBefore, t.Balance(Alice));
        // No share and no worker pool: the proposer gets the whole reward and nothing from the fee.
        Assert.Equal(validatorBefore - TxFeeBurn + Reward, t.Balance(t.Validator));
        Assert.Equal(Reward * 4, t.Chain.Supply.Minted.Value);
        Assert.True(t.Chain.SupplyIsConserved());
    }

    [Fact]
    public void Worker_slashed_below_the_minimum_stake_is_no_longer_assigned_work()
    {
        using var t = TaskChain.Create();
        t.Results.Prescribe(1, TaskOutcome.WrongResult);
        t.ProduceOk(TaskTx.Register(Alice, stake: 1_500_000));
        t.ProduceOk(TaskTx.Post(Dave, Specs.Mod61()));
        t.ProduceOk(TaskTx.Commit(Alice, 1, Specs.Result(Specs.Mod61())));
        t.ProduceOk(TaskTx.Verdict(t.Validator, 1, TaskOutcome.WrongResult));
        Assert.Equal(new Amount(750_000), t.Worker(Alice).Stake);

        t.ProduceOk(TaskTx.Post(Dave, Specs.Mod61()));
        Assert.Equal(TaskState.Posted, t.Task(2).State);

        t.ProduceOk(TaskTx.Register(Bob));
        Assert.Equal(TaskState.Assigned, t.Task(2).State);
        Assert.Equal(Bob.Address, t.Task(2).Worker);
    }

    [Fact]
    public void Task_posted_with_no_worker_stays_posted_with_its_fee_in_escrow_until_a_worker_registers()
    {
        using var t = TaskChain.Create();
        t.ProduceOk(TaskTx.Post(Dave, Specs.Mod61(), Fee));

        var task = t.Task(1);
        Assert.Equal(TaskState.Posted, task.State);
        Assert.Equal(Address.Zero, task.Worker);
        Assert.Equal(0, task.Attempts);
        Assert.Equal(Height.Genesis, task.AssignedHeight);
        Assert.Equal(TaskOutcome.None, task.Outcome);
        Assert.Equal(Balance - Fee - TxFee, t.Balance(Dave));
        Assert.Equal([1UL], t.Chain.GetOpenTasks().Select(x => x.Id));

        t.ProduceOk(TaskTx.Register(Alice));
        task = t.Task(1);
        Assert.Equal(TaskState.Assigned, task.State);
        Assert.Equal(Alice.Address, task.Worker);
        Assert.Equal(new Height(2), task.AssignedHeight);
    }

    [Fact]
    public void Task_goes_only_to_a_worker_with_the_capability_its_kind_needs()
    {
        using var t = TaskChain.Create();
        t.ProduceOk(TaskTx.Register(Alice, capabilities: WorkerCapabilities.MatmulMod61), TaskTx.Register(Bob, capabilities: WorkerCapabilities.MatmulFloat64));
        t.ProduceOk(
            TaskTx.Post(Dave, Specs.Float64()), TaskTx.Post(Dave, Specs.Mod61()),
            TaskTx.Post(Dave, Specs.Float64(1, 1, 1)), TaskTx.Post(Dave, Specs.Mod61(1, 1, 1)));

        Assert.Equal(Bob.Address, t.Task(1).Worker);
        Assert.Equal(Alice.Address, t.Task(2).Worker);
        Assert.Equal(Bob.Address, t.Task(3).Worker);
        Assert.Equal(Alice.Address, t.Task(4).Worker);
        Assert.Equal(2u, t.Worker(Alice).ActiveTasks);
        Assert.Equal(2u, t.Worker(Bob).ActiveTasks);
    }

    [Fact]
    public void Task_no_worker_can_take_expires_after_the_unassigned_timeout_and_is_refunded()
    {
        using var t = TaskChain.Create(p => p with { UnassignedTaskTimeoutBlocks = 2 });
        t.ProduceOk(TaskTx.Register(Alice, capabilities: WorkerCapabilities.MatmulMod61));
        t.ProduceOk(TaskTx.Post(Dave, Specs.Float64(), Fee));
        t.ProduceEmpty(2);
        Assert.Equal(TaskState.Posted, t.Task(1).State);
        Assert.Equal(Balance - Fee - TxFee, t.Balance(Dave));

        // Posted at 2, timeout 2: height 5 is the first past it.
        t.ProduceOk();
        var task = t.Task(1);
        Assert.Equal(TaskState.Expired, task.State);
        Assert.Equal(TaskOutcome.Refunded, task.Outcome);
        Assert.Equal(new Height(5), task.ClosedHeight);
        Assert.Equal(Balance - TxFee, t.Balance(Dave));
        Assert.Empty(t.Chain.GetOpenTasks());
    }

    [Fact]
    public void Worker_holds_at_most_the_maximum_active_tasks_and_a_settlement_frees_a_slot_in_the_same_block()
    {
        using var t = TaskChain.Create(p => p with { MaxActiveTasksPerWorker = 2 });
        t.ProduceOk(TaskTx.Register(Alice));
        t.ProduceOk(TaskTx.Post(Dave, Specs.Mod61()), TaskTx.Post(Dave, Specs.Mod61()), TaskTx.Post(Dave, Specs.Mod61()));
        Assert.Equal(TaskState.Assigned, t.Task(1).State);
        Assert.Equal(TaskState.Assigned, t.Task(2).State);
        Assert.Equal(TaskState.Posted, t.Task(3).State);
        Assert.Equal(2u, t.Worker(Alice).ActiveTasks);

        t.ProduceOk(TaskTx.Commit(Alice, 1, Specs.Result(Specs.Mod61())));
        Assert.Equal(TaskState.Posted, t.Task(3).State);
        t.ProduceOk(TaskTx.Verdict(t.Validator, 1, TaskOutcome.Verified));

        Assert.Equal(TaskState.Settled, t.Task(1).State);
        Assert.Equal(TaskState.Assigned, t.Task(3).State);
        Assert.Equal(new Height(4), t.Task(3).AssignedHeight);
        Assert.Equal(2u, t.Worker(Alice).ActiveTasks);
    }

    [Fact]
    public void Worker_pool_is_split_by_compute_units_and_the_rounding_remainder_goes_to_the_proposer()
    {
        using var t = TaskChain.Create();
        AssertDefaultParameters(t.Chain.Parameters);
        t.ProduceOk(TaskTx.Register(Alice, capabilities: WorkerCapabilities.MatmulMod61), TaskTx.Register(Bob, capabilities: WorkerCapabilities.MatmulFloat64));
        var small = Specs.Mod61(1, 1, 1);
        var large = Specs.Float64(2, 2, 2);
        t.ProduceOk(TaskTx.Post(Dave, small, Fee), TaskTx.Post(Dave, large, Fee));
        t.ProduceOk(TaskTx.Commit(Alice, 1, Specs.Result(small)), TaskTx.Commit(Bob, 2, Specs.Result(large)));
        ulong alice = t.Balance(Alice), bob = t.Balance(Bob), validator = t.Balance(t.Validator);

        t.ProduceOk(TaskTx.Verdict(t.Validator, 1, TaskOutcome.Verified), TaskTx.Verdict(t.Validator, 2, TaskOutcome.Verified));

        // 2 and 16 compute units: 500,000 · 2/18 and 500,000 · 16/18, rounded down; 1 is left over.
        Assert.Equal(2UL, t.Worker(Alice).VerifiedComputeUnits);
        Assert.Equal(16UL, t.Worker(Bob).VerifiedComputeUnits);
        Assert.Equal(alice + Fee - Share + 55_555, t.Balance(Alice));
        Assert.Equal(bob + Fee - Share + 444_444, t.Balance(Bob));
        Assert.Equal(new Amount(Fee - Share + 55_555), t.Worker(Alice).Earned);
        Assert.Equal(new Amount(Fee - Share + 444_444), t.Worker(Bob).Earned);
        Assert.Equal(validator - 2 * TxFee + (2 * TxFee - 2 * TxFeeBurn) + 2 * Share + (Reward - 55_555 - 444_444), t.Balance(t.Validator));
        Assert.True(t.Chain.SupplyIsConserved());
    }

    [Fact]
    public void Assignment_is_a_reputation_weighted_draw_from_the_parent_hash_and_the_task()
    {
        using var t = TaskChain.Create();
        var p = t.Chain.Parameters;
        t.ProduceOk(TaskTx.Register(Alice), TaskTx.Register(Bob), TaskTx.Register(Carol, capabilities: WorkerCapabilities.MatmulMod61));
        var workers = t.Chain.GetWorkers().ToDictionary(w => w.Key, w => w.Value);
        TaskSpec[] specs = [Specs.Mod61(), Specs.Float64(), Specs.Mod61(1, 1, 1), Specs.Mod61(3, 3, 3), Specs.Float64(1, 2, 3), Specs.Mod61(5, 1, 5), Specs.Mod61(2, 2, 2)];
        var produced = t.ProduceOk([.. specs.Select(spec => TaskTx.Post(Dave, spec))]);

        var parent = t.ParentHashOf(produced.Block.Header.Height);
        Assert.Equal(produced.Block.Header.PreviousHash, parent);
        var assignees = new List<Address>();
        for (ulong id = 1; id <= (ulong)specs.Length; id++)
        {
            var task = t.Task(id);
            var posted = task with { State = TaskState.Posted, Worker = Address.Zero, Attempts = 0, AssignedHeight = Height.Genesis };
            var expected = ExpectedAssignee(parent, posted, workers, p);
            Assert.Equal(expected, task.Worker);
            workers[expected] = workers[expected] with { ActiveTasks = workers[expected].ActiveTasks + 1 };
            assignees.Add(task.Worker);
        }
        // The draw spreads the work: seven tasks over three equally reputed workers do not all land on one.
        Assert.True(assignees.Distinct().Count() > 1);
        foreach (var (address, worker) in workers)
        {
            Assert.Equal(worker.ActiveTasks, t.Worker(TestKeys.FundedLabels.Select(TestKeys.Of).Single(k => k.Address == address)).ActiveTasks);
        }
    }

    /// <summary>The assignment rule written out independently: candidates in address order, weight reputation + 100, draw = BLAKE3(domain ‖ parent ‖ id ‖ attempts).</summary>
    internal static Address ExpectedAssignee(Hash32 parentHash, ComputeTask posted, IReadOnlyDictionary<Address, Worker> workers, ChainParameters p)
    {
        var needed = TaskKinds.RequiredCapability(posted.Spec.Kind);
        var candidates = workers.OrderBy(w => w.Key)
            .Where(w => (w.Value.Capabilities & needed) != 0 && w.Value.ActiveTasks < p.MaxActiveTasksPerWorker && w.Value.Stake >= p.MinimumWorkerStake
                && !(posted.Attempts > 0 && w.Key == posted.Worker))
            .Select(w => (Address: w.Key, Weight: w.Value.Reputation + 100UL))
            .ToList();
        Assert.NotEmpty(candidates);
        var id = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(id, posted.Id);
        byte[] input = [.. "pocc/assign/v1\0"u8, .. parentHash.ToArray(), .. id, posted.Attempts];
        ulong pick = BinaryPrimitives.ReadUInt64LittleEndian(Blake3Hash.Of(input).ToArray()) % (ulong)candidates.Sum(c => (long)c.Weight);
        foreach (var (address, weight) in candidates)
        {
            if (pick < weight)
            {
                return address;
            }
            pick -= weight;
        }
        throw new InvalidOperationException("unreachable");
    }
}
