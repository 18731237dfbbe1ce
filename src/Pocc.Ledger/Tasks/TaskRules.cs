using Pocc.Core.Addressing;
using Pocc.Core.Hashing;
using Pocc.Ledger.Economics;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.State;
using Pocc.Core.Matrices;
using Pocc.Proofs.Stark.Tasks;

namespace Pocc.Ledger.Tasks;

/// <summary>
/// The compute market's state machine: worker registration, posting, assignment, commitments, verdicts,
/// settlement, penalties and deadlines. Deterministic and integer-only like the rest of the state transition;
/// each transaction handler checks everything before its first write.
/// </summary>
public sealed class TaskRules
{
    private static readonly byte[] AssignmentDomain = "pocc/assign/v1\0"u8.ToArray();
    private static readonly byte[] ChallengeDomain = "pocc/challenge/v1\0"u8.ToArray();

    private readonly ChainParameters _parameters;

    public TaskRules(ChainParameters parameters) => _parameters = parameters;

    /// <summary>The block whose beacon seeds <paramref name="task"/>'s challenges: the one after its commitment.</summary>
    public static Height ChallengeSeedHeight(ComputeTask task) => task.CommitHeight.Next;

    /// <summary>
    /// The seed of a committed result's Freivalds challenges: fixed by <paramref name="beacon"/>, the beacon of the
    /// block after the one that recorded the commitment, which nobody could know when the worker chose its result
    /// and which that block's proposer cannot grind (see <see cref="Consensus.Beacon"/>).
    /// </summary>
    public static Hash32 ChallengeSeed(Hash32 beacon, ComputeTask task)
    {
        Span<byte> buffer = stackalloc byte[ChallengeDomain.Length + 2 * Hash32.Size + 8 + 8];
        ChallengeDomain.CopyTo(buffer);
        int offset = ChallengeDomain.Length;
        beacon.CopyTo(buffer[offset..]);
        offset += Hash32.Size;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(buffer[offset..], task.Id);
        offset += 8;
        task.Result.Root.CopyTo(buffer[offset..]);
        offset += Hash32.Size;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(buffer[offset..], task.Result.Size);
        return Blake3Hash.Of(buffer);
    }

    public void CheckSpec(TaskSpec spec, Amount fee)
    {
        Require(TaskKinds.IsDefined(spec.Kind), LedgerErrors.InvalidTask, $"unknown task kind {(byte)spec.Kind}");
        if (spec.Policy == VerificationPolicy.Stark)
        {
            CheckStarkSpec(spec);
        }
        else
        {
            CheckMatmulSpec(spec);
        }
        Require(spec.Redundancy == 1, LedgerErrors.InvalidTask, "redundancy above 1 is not supported yet (it needs commit-reveal); use 1");
        Require(spec.DeadlineBlocks is >= 1 and <= 100_000, LedgerErrors.InvalidTask, "deadline must be between 1 and 100000 blocks");
        Require(fee >= _parameters.MinimumTaskFee, LedgerErrors.InvalidTask, $"a task's fee must be at least {_parameters.MinimumTaskFee}");
    }

    private static void CheckMatmulSpec(TaskSpec spec)
    {
        Require(spec.Rows is >= 1 and <= TaskSpec.MaxDimension && spec.Inner is >= 1 and <= TaskSpec.MaxDimension && spec.Columns is >= 1 and <= TaskSpec.MaxDimension,
            LedgerErrors.InvalidTask, $"matrix dimensions must be between 1 and {TaskSpec.MaxDimension}");
        Require((ulong)spec.Rows * spec.Inner <= MatrixCodec.MaxElements && (ulong)spec.Inner * spec.Columns <= MatrixCodec.MaxElements
            && (ulong)spec.Rows * spec.Columns <= MatrixCodec.MaxElements, LedgerErrors.InvalidTask,
            $"each matrix may hold at most {MatrixCodec.MaxElements} elements");
        Require(spec.Rounds is >= 1 and <= TaskSpec.MaxRounds, LedgerErrors.InvalidTask, $"verification rounds must be between 1 and {TaskSpec.MaxRounds}");
        if (spec.Kind == TaskKind.MatmulFloat64)
        {
            Require(spec.ToleranceppB is >= 1 and <= 1_000_000_000, LedgerErrors.InvalidTask, "a float64 task needs a relative tolerance between 1 and 10^9 parts per billion");
        }
        else
        {
            Require(spec.ToleranceppB == 0, LedgerErrors.InvalidTask, "an exact (mod 2^61-1) task has tolerance 0");
        }
        Require(spec.InputA.Size == MatrixBytes(spec.Rows, spec.Inner), LedgerErrors.InvalidTask,
            $"input A must be a {spec.Rows}x{spec.Inner} matrix blob of {MatrixBytes(spec.Rows, spec.Inner)} bytes, not {spec.InputA.Size}");
        Require(spec.InputB.Size == MatrixBytes(spec.Inner, spec.Columns), LedgerErrors.InvalidTask,
            $"input B must be a {spec.Inner}x{spec.Columns} matrix blob of {MatrixBytes(spec.Inner, spec.Columns)} bytes, not {spec.InputB.Size}");
    }

    /// <summary>
    /// A STARK task: a step count the prover is held to, an inputs blob of the computation's size, and a security
    /// target between the protocol's minimum and what the standard parameters can reach at that trace length.
    /// </summary>
    private static void CheckStarkSpec(TaskSpec spec)
    {
        var computation = TaskKinds.StarkComputation(spec.Kind);
        Require(spec.Rows is >= StarkComputations.MinSteps and <= StarkComputations.MaxSteps, LedgerErrors.InvalidTask,
            $"a STARK task's step count (rows) must be between {StarkComputations.MinSteps} and {StarkComputations.MaxSteps}");
        Require(spec.Inner == 0 && spec.Columns == 0 && spec.ToleranceppB == 0 && spec.InputB == default, LedgerErrors.InvalidTask,
            "a STARK task has no inner or column dimension, no second input and no tolerance: give 0 for each");
        int logTrace = int.Log2(StarkComputations.TraceLength(computation, (int)spec.Rows));
        int maxBits = Proofs.Stark.StarkParameters.MaxStandardSecurityBits(logTrace);
        Require(spec.Rounds >= TaskSpec.MinStarkSecurityBits && spec.Rounds <= maxBits, LedgerErrors.InvalidTask,
            $"a STARK task of {spec.Rows} steps may ask for {TaskSpec.MinStarkSecurityBits} to {maxBits} bits of security, not {spec.Rounds}");
        ulong inputsSize = (ulong)StarkTaskBlobs.InputsSize(computation);
        Require(spec.InputA.Size == inputsSize, LedgerErrors.InvalidTask,
            $"the inputs of a {computation} task are a blob of {inputsSize} bytes, not {spec.InputA.Size}");
    }

    /// <summary>The element type of a matmul kind's matrices.</summary>
    public static MatrixElementType ElementType(TaskKind kind) => kind switch
    {
        TaskKind.MatmulFloat64 => MatrixElementType.Float64,
        TaskKind.MatmulMod61 => MatrixElementType.Mod61,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a matrix task kind"),
    };

    /// <summary>The size of a matrix blob in the documented format (header and 8-byte elements).</summary>
    public static ulong MatrixBytes(uint rows, uint cols) => (ulong)MatrixCodec.EncodedLength((int)rows, (int)cols);

    public void RegisterWorker(StateOverlay state, Address sender, RegisterWorker register, Height height)
    {
        Require(state.GetWorker(sender) is null, LedgerErrors.WorkerExists, $"{sender} is already registered as a worker");
        Require(register.Stake >= _parameters.MinimumWorkerStake, LedgerErrors.InsufficientStake,
            $"a worker must stake at least {_parameters.MinimumWorkerStake}, not {register.Stake}");
        Require(register.Capabilities != WorkerCapabilities.None && (register.Capabilities & ~TaskKinds.All) == 0, LedgerErrors.InvalidTask,
            $"capabilities must be a non-empty combination of the known ones (mask {(uint)TaskKinds.All})");
        state.SetWorker(sender, new Worker(register.Stake, register.Capabilities, Worker.InitialReputation, 0, 0, 0, 0, 0, Amount.Zero, Amount.Zero, height));
    }

    public Worker CheckAddStake(StateOverlay state, Address sender) =>
        state.GetWorker(sender) ?? throw new LedgerException(LedgerErrors.WorkerNotFound, $"{sender} is not a registered worker");

    public void AddStake(StateOverlay state, Address sender, Worker worker, AddWorkerStake add) =>
        state.SetWorker(sender, worker with { Stake = worker.Stake + add.Amount });

    /// <summary>Checks a withdrawal: a registered worker, no task in hand, enough stake, room in the unbonding queue.</summary>
    public Worker CheckWithdrawStake(StateOverlay state, Address sender, WithdrawWorkerStake withdraw)
    {
        var worker = state.GetWorker(sender) ?? throw new LedgerException(LedgerErrors.WorkerNotFound, $"{sender} is not a registered worker");
        Require(worker.ActiveTasks == 0, LedgerErrors.TaskWrongState, $"a worker holding {worker.ActiveTasks} task(s) cannot withdraw stake until they close");
        Require(worker.Stake >= withdraw.Amount, LedgerErrors.InsufficientStake, $"worker stake {worker.Stake} is less than the {withdraw.Amount} to withdraw");
        Require(state.GetAccount(sender).Unbonding.Length < Account.MaxUnbondingEntries, LedgerErrors.TooManyUnbondings,
            $"at most {Account.MaxUnbondingEntries} unbondings may be pending at once");
        return worker;
    }

    /// <summary>Moves the withdrawn stake into the sender's unbonding queue, released after the unbonding period.</summary>
    public void WithdrawStake(StateOverlay state, Address sender, Worker worker, WithdrawWorkerStake withdraw, Height height)
    {
        state.SetWorker(sender, worker with { Stake = worker.Stake - withdraw.Amount });
        var account = state.GetAccount(sender);
        state.SetAccount(sender, account with
        {
            Unbonding = account.Unbonding.Add(new UnbondingEntry(withdraw.Amount, new Height(height.Value + _parameters.UnbondingPeriodBlocks))),
        });
    }

    public ulong PostTask(StateOverlay state, Address sender, PostTask post, Height height)
    {
        CheckSpec(post.Spec, post.Fee);
        var registry = state.Registry;
        ulong id = registry.NextTaskId;
        state.Registry = registry with { NextTaskId = id + 1 };
        state.SetTask(new ComputeTask(id, sender, post.Spec, post.Fee, TaskState.Posted, height, Address.Zero, Height.Genesis, 0,
            default, Height.Genesis, TaskOutcome.None, Height.Genesis));
        return id;
    }

    /// <summary>Checks a result commitment against the task; throws without writing if it does not fit.</summary>
    public ComputeTask CheckCommit(StateOverlay state, Address sender, CommitResult commit, Height height)
    {
        var task = state.GetTask(commit.TaskId) ?? throw new LedgerException(LedgerErrors.TaskNotFound, $"no task {commit.TaskId}");
        // The start of the block already took the task back from a worker that missed its deadline; tell it so.
        Require(!(task.Outcome == TaskOutcome.DeadlineMissed && task.Worker == sender && task.State != TaskState.Assigned), LedgerErrors.TaskDeadlinePassed,
            $"task {task.Id}'s deadline passed at height {task.AssignedHeight.Value + task.Spec.DeadlineBlocks}; it went back to the market");
        Require(task.State == TaskState.Assigned, LedgerErrors.TaskWrongState, $"task {task.Id} is {task.State}, not Assigned");
        Require(task.Worker == sender, LedgerErrors.TaskNotAssignedToSender, $"task {task.Id} is assigned to {task.Worker}, not {sender}");
        Require(height.Value <= task.AssignedHeight.Value + task.Spec.DeadlineBlocks, LedgerErrors.TaskDeadlinePassed,
            $"task {task.Id}'s deadline was height {task.AssignedHeight.Value + task.Spec.DeadlineBlocks}");
        if (task.Spec.Policy == VerificationPolicy.Stark)
        {
            Require(commit.Result.Size is >= StarkTaskBlobs.MinResultSize and <= StarkTaskBlobs.MaxResultSize, LedgerErrors.InvalidTask,
                $"the result of task {task.Id} must be a STARK result blob of {StarkTaskBlobs.MinResultSize} to {StarkTaskBlobs.MaxResultSize} bytes");
        }
        else
        {
            ulong expected = MatrixBytes(task.Spec.Rows, task.Spec.Columns);
            Require(commit.Result.Size == expected, LedgerErrors.InvalidTask, $"the result of task {task.Id} must be a {task.Spec.Rows}x{task.Spec.Columns} matrix blob of {expected} bytes");
        }
        return task;
    }

    public void CommitResult(StateOverlay state, ComputeTask task, CommitResult commit, Height height) =>
        state.SetTask(task with { State = TaskState.Committed, Result = commit.Result, CommitHeight = height });

    public ComputeTask CheckVerdict(StateOverlay state, Address sender, SubmitVerdict verdict, Height height)
    {
        var validator = state.GetValidator(sender);
        Require(validator is { Jailed: false }, LedgerErrors.NotAValidator, $"{sender} is not an active validator; only validators give verdicts");
        var task = state.GetTask(verdict.TaskId) ?? throw new LedgerException(LedgerErrors.TaskNotFound, $"no task {verdict.TaskId}");
        Require(task.State == TaskState.Committed, LedgerErrors.TaskWrongState, $"task {task.Id} is {task.State}, not Committed");
        Require(task.CommitHeight < height, LedgerErrors.TaskWrongState, $"task {task.Id}'s challenges depend on block {task.CommitHeight}'s hash; a verdict can come only after it");
        Require(verdict.Outcome is TaskOutcome.Verified or TaskOutcome.WrongResult or TaskOutcome.MalformedResult or TaskOutcome.ResultUnavailable,
            LedgerErrors.InvalidTask, $"{verdict.Outcome} is not a verdict");
        return task;
    }

    /// <summary>
    /// Applies a verdict. A verified result waits for the end of the block to be paid; a proven-wrong one closes the
    /// task as Rejected, slashes the worker and refunds the requester; an unavailable one counts like a missed deadline.
    /// </summary>
    public void ApplyVerdict(StateOverlay state, ComputeTask task, TaskOutcome outcome, Height height)
    {
        switch (outcome)
        {
            case TaskOutcome.Verified:
                state.SetTask(task with { State = TaskState.Verified, Outcome = TaskOutcome.Verified });
                break;
            case TaskOutcome.WrongResult or TaskOutcome.MalformedResult:
                var worker = state.GetWorker(task.Worker)!;
                var slash = TaskEconomics.Slash(_parameters, worker.Stake);
                state.SetWorker(task.Worker, worker with
                {
                    Stake = worker.Stake - slash,
                    Slashed = worker.Slashed + slash,
                    Reputation = TaskEconomics.ReputationAfterFraud(worker.Reputation),
                    TasksRejected = worker.TasksRejected + 1,
                    ActiveTasks = worker.ActiveTasks - 1,
                });
                state.Supply = state.Supply with { Burned = state.Supply.Burned + slash };
                Refund(state, task);
                state.SetTask(task with { State = TaskState.Rejected, Outcome = outcome, ClosedHeight = height });
                break;
            default:
                Penalize(state, task, height, TaskOutcome.ResultUnavailable);
                break;
        }
    }

    /// <summary>
    /// Start of block: assigned tasks past their deadline cost their worker a small penalty and go back to the market;
    /// committed results left without a verdict past the verdict timeout expire, refunded, without penalty.
    /// </summary>
    public void BeginBlock(StateOverlay state, Height height)
    {
        foreach (var id in state.OpenTaskIds())
        {
            var task = state.GetTask(id)!;
            if (task.State == TaskState.Assigned && height.Value > task.AssignedHeight.Value + task.Spec.DeadlineBlocks)
            {
                Penalize(state, task, height, TaskOutcome.DeadlineMissed);
            }
            else if (task.State == TaskState.Committed && height.Value > task.CommitHeight.Value + _parameters.VerdictTimeoutBlocks)
            {
                // The validators never judged the result: nobody may be punished or paid on an unchecked result.
                var worker = state.GetWorker(task.Worker)!;
                state.SetWorker(task.Worker, worker with { ActiveTasks = worker.ActiveTasks - 1 });
                Refund(state, task);
                state.SetTask(task with { State = TaskState.Expired, Outcome = TaskOutcome.Unverified, ClosedHeight = height });
            }
        }
    }

    /// <summary>
    /// End of block: pays the tasks verified in it (fee minus the verification share to the worker, the share to the
    /// proposer, and the worker part of the block reward by compute units), then assigns posted tasks. Returns the
    /// part of the block reward not paid to workers, which the proposer gets.
    /// </summary>
    public Amount EndBlock(StateOverlay state, Address proposer, Hash32 parentHash, Height height)
    {
        var unitsByWorker = new SortedDictionary<Address, ulong>();
        ulong totalUnits = 0;
        var proposerIncome = Amount.Zero;
        foreach (var id in state.OpenTaskIds())
        {
            var task = state.GetTask(id)!;
            if (task.State != TaskState.Verified)
            {
                continue;
            }
            var share = TaskEconomics.VerificationShare(_parameters, task.Fee);
            var pay = task.Fee - share;
            proposerIncome += share;
            var worker = state.GetWorker(task.Worker)!;
            ulong units = task.Spec.ComputeUnits;
            state.SetWorker(task.Worker, worker with
            {
                VerifiedComputeUnits = worker.VerifiedComputeUnits + units,
                TasksSettled = worker.TasksSettled + 1,
                Earned = worker.Earned + pay,
                Reputation = TaskEconomics.ReputationAfterSuccess(worker.Reputation),
                ActiveTasks = worker.ActiveTasks - 1,
            });
            Credit(state, task.Worker, pay);
            state.SetTask(task with { State = TaskState.Settled, ClosedHeight = height });
            unitsByWorker[task.Worker] = unitsByWorker.GetValueOrDefault(task.Worker) + units;
            totalUnits += units;
        }

        var reward = _parameters.BlockReward;
        if (totalUnits > 0)
        {
            var pool = TaskEconomics.WorkerRewardPool(_parameters);
            var paid = Amount.Zero;
            foreach (var (address, units) in unitsByWorker)
            {
                var slice = TaskEconomics.WorkerRewardShare(pool, units, totalUnits);
                var worker = state.GetWorker(address)!;
                state.SetWorker(address, worker with { Earned = worker.Earned + slice });
                Credit(state, address, slice);
                paid += slice;
            }
            reward -= paid;
        }
        proposerIncome += reward;

        Assign(state, parentHash, height);
        return proposerIncome;
    }

    private void Assign(StateOverlay state, Hash32 parentHash, Height height)
    {
        IReadOnlyList<Address>? workers = null;
        foreach (var id in state.OpenTaskIds())
        {
            var task = state.GetTask(id)!;
            if (task.State != TaskState.Posted)
            {
                continue;
            }
            workers ??= state.WorkerAddresses();
            var needed = TaskKinds.RequiredCapability(task.Spec.Kind);
            ulong totalWeight = 0;
            var candidates = new List<(Address Address, ulong Weight)>();
            foreach (var address in workers)
            {
                var current = state.GetWorker(address)!;
                // The worker that just failed this task does not get it straight back.
                if ((current.Capabilities & needed) != 0 && current.ActiveTasks < _parameters.MaxActiveTasksPerWorker
                    && current.Stake >= _parameters.MinimumWorkerStake && !(task.Attempts > 0 && address == task.Worker))
                {
                    ulong weight = TaskEconomics.AssignmentWeight(current.Reputation);
                    candidates.Add((address, weight));
                    totalWeight += weight;
                }
            }
            if (candidates.Count == 0)
            {
                if (height.Value > task.PostedHeight.Value + _parameters.UnassignedTaskTimeoutBlocks)
                {
                    Refund(state, task);
                    state.SetTask(task with { State = TaskState.Expired, Outcome = TaskOutcome.Refunded, ClosedHeight = height });
                }
                continue;
            }
            ulong pick = AssignmentDraw(parentHash, task) % totalWeight;
            var chosen = candidates[^1].Address;
            foreach (var (address, weight) in candidates)
            {
                if (pick < weight)
                {
                    chosen = address;
                    break;
                }
                pick -= weight;
            }
            var assignee = state.GetWorker(chosen)!;
            state.SetWorker(chosen, assignee with { ActiveTasks = assignee.ActiveTasks + 1 });
            state.SetTask(task with { State = TaskState.Assigned, Worker = chosen, AssignedHeight = height, Attempts = (byte)(task.Attempts + 1) });
        }
    }

    /// <summary>A uniform 64-bit draw from the parent block's hash and the task, so assignment is reproducible by anyone.</summary>
    private static ulong AssignmentDraw(Hash32 parentHash, ComputeTask task)
    {
        Span<byte> buffer = stackalloc byte[AssignmentDomain.Length + Hash32.Size + 9];
        AssignmentDomain.CopyTo(buffer);
        parentHash.CopyTo(buffer[AssignmentDomain.Length..]);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(buffer[(AssignmentDomain.Length + Hash32.Size)..], task.Id);
        buffer[^1] = task.Attempts;
        Span<byte> digest = stackalloc byte[Hash32.Size];
        Blake3Hash.Of(buffer).CopyTo(digest);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(digest);
    }

    private void Penalize(StateOverlay state, ComputeTask task, Height height, TaskOutcome cause)
    {
        var worker = state.GetWorker(task.Worker)!;
        var penalty = TaskEconomics.LatenessPenalty(_parameters, worker.Stake);
        state.SetWorker(task.Worker, worker with
        {
            Stake = worker.Stake - penalty,
            Slashed = worker.Slashed + penalty,
            Reputation = TaskEconomics.ReputationAfterLateness(worker.Reputation),
            DeadlinesMissed = worker.DeadlinesMissed + 1,
            ActiveTasks = worker.ActiveTasks - 1,
        });
        state.Supply = state.Supply with { Burned = state.Supply.Burned + penalty };
        if (task.Attempts < _parameters.MaxTaskAttempts)
        {
            state.SetTask(task with { State = TaskState.Posted, Outcome = cause, Result = default, CommitHeight = Height.Genesis });
        }
        else
        {
            Refund(state, task);
            state.SetTask(task with { State = TaskState.Expired, Outcome = cause, ClosedHeight = height });
        }
    }

    private static void Refund(StateOverlay state, ComputeTask task) => Credit(state, task.Requester, task.Fee);

    private static void Credit(StateOverlay state, Address address, Amount amount)
    {
        var account = state.GetAccount(address);
        state.SetAccount(address, account with { Balance = account.Balance + amount });
    }

    private static void Require(bool condition, string code, string message)
    {
        if (!condition)
        {
            throw new LedgerException(code, message);
        }
    }
}
