using CsCheck;
using Pocc.Core.Addressing;
using Pocc.Core.Crypto;
using Pocc.Ledger.Tasks;
using Pocc.Ledger.Tests.Builders;
using Pocc.Ledger.Transactions;
using static Pocc.Ledger.Tests.Builders.TestKeys;

namespace Pocc.Ledger.Tests.Tasks;

/// <summary>
/// Random sequences of compute-market actions, valid and not, by several workers over several blocks: supply is
/// conserved, no result the verifier calls wrong is ever paid, workers' books add up, and replay gives the same roots.
/// </summary>
public sealed class TaskPropertyTests
{
    private static readonly KeyPair[] Workers = [Alice, Bob, Carol];
    private static readonly KeyPair[] Requesters = [Dave, Alice];
    private static readonly TaskOutcome[] Verdicts = [TaskOutcome.Verified, TaskOutcome.WrongResult, TaskOutcome.MalformedResult, TaskOutcome.ResultUnavailable];

    /// <summary>One intended action; <see cref="A"/>, <see cref="B"/> and <see cref="C"/> pick its details (see <see cref="Resolve"/>).</summary>
    private sealed record Intent(int Kind, int A, int B, int C)
    {
        public override string ToString() => $"{(Kind switch { 0 => "register", 1 => "post", 2 => "commit", 3 => "verdict", _ => "wait" })}({A},{B},{C})";
    }

    private static readonly Gen<Intent> GenIntent = Gen.Select(
        Gen.Frequency((2, Gen.Const(0)), (4, Gen.Const(1)), (4, Gen.Const(2)), (4, Gen.Const(3)), (1, Gen.Const(4))),
        Gen.Int[0, 1_000], Gen.Int[0, 1_000], Gen.Int[0, 1_000],
        (kind, a, b, c) => new Intent(kind, a, b, c));

    /// <summary>What the verifier says about tasks 1, 2, 3, ... (the list repeats).</summary>
    private static readonly Gen<TaskOutcome[]> GenTruth = Gen.Frequency(
        (6, Gen.Const(TaskOutcome.Verified)), (2, Gen.Const(TaskOutcome.WrongResult)),
        (1, Gen.Const(TaskOutcome.MalformedResult)), (1, Gen.Const(TaskOutcome.ResultUnavailable))).Array[1, 8];

    private static ScriptedResults Verifier(TaskOutcome[] truth)
    {
        var results = new ScriptedResults();
        for (ulong id = 1; id <= 64; id++)
        {
            results.Prescribe(id, truth[(int)((id - 1) % (ulong)truth.Length)]);
        }
        return results;
    }

    [Fact]
    public void Random_task_actions_conserve_supply_never_pay_a_wrong_result_and_replay_to_the_same_roots()
    {
        var genCapabilities = Gen.OneOf(Gen.Const(WorkerCapabilities.MatmulMod61), Gen.Const(WorkerCapabilities.MatmulFloat64), Gen.Const(TaskKinds.All)).Array[0, 3];
        Gen.Select(GenTruth, genCapabilities, GenIntent.Array[0, 6].Array[1, 12]).Sample((truth, capabilities, blocks) =>
        {
            using var t = TaskChain.Create();
            var results = t.Results;
            for (ulong id = 1; id <= 64; id++)
            {
                results.Prescribe(id, truth[(int)((id - 1) % (ulong)truth.Length)]);
            }
            var registeredStake = new Dictionary<Address, ulong>();
            ulong reward = t.Chain.Parameters.BlockReward.Value;
            // Most markets start with some workers, so that posted tasks move on from the first block.
            if (capabilities.Length > 0)
            {
                t.ProduceOk([.. capabilities.Select((c, i) => TaskTx.Register(Workers[i], capabilities: c))]);
                for (int i = 0; i < capabilities.Length; i++)
                {
                    registeredStake[Workers[i].Address] = TaskTx.DefaultStake;
                }
            }

            foreach (var intents in blocks)
            {
                var builders = intents.Select(intent => Resolve(t, intent)).OfType<TxBuilder>().ToList();
                var block = ProduceKeepingNoncesContiguous(t, builders);

                foreach (var tx in block.Transactions)
                {
                    switch (tx.Transaction.Payload)
                    {
                        case RegisterWorker register:
                            registeredStake[tx.Transaction.SenderAddress] = register.Stake.Value;
                            break;
                        case SubmitVerdict verdict:
                            Assert.Equal(results.OutcomeFor(verdict.TaskId), verdict.Outcome);
                            Assert.Equal(t.Validator.Address, tx.Transaction.SenderAddress);
                            break;
                    }
                }
                AssertInvariants(t, registeredStake, reward);
            }

            using var replica = t.Test.ReplicaWith(Verifier(truth));
            foreach (var (committed, commit) in t.Test.CommittedBlocks())
            {
                replica.Chain.Apply(committed, commit);
                Assert.Equal(committed.Header.StateRoot, replica.Chain.StateRoot);
            }
            Assert.Equal(TaskSnapshot.Of(t.Chain), TaskSnapshot.Of(replica.Chain));
        }, iter: 30, print: sample =>
            $"truth [{string.Join(",", sample.Item1)}] workers [{string.Join(",", sample.Item2)}] blocks {string.Join(" | ", sample.Item3.Select(ops => string.Join(" ", ops)))}");
    }

    private static void AssertInvariants(TaskChain t, Dictionary<Address, ulong> registeredStake, ulong reward)
    {
        var height = t.Chain.Height.Value;
        Assert.True(t.Chain.SupplyIsConserved(), $"supply not conserved at height {height}");
        Assert.Equal(reward * height, t.Chain.Supply.Minted.Value);

        var tasks = t.Chain.GetTasks(ulong.MaxValue, int.MaxValue);
        foreach (var task in tasks)
        {
            var truth = t.Results.OutcomeFor(task.Id);
            Assert.NotEqual(TaskState.Verified, task.State);
            if (task.State == TaskState.Settled)
            {
                Assert.Equal(TaskOutcome.Verified, truth);
                Assert.Equal(TaskOutcome.Verified, task.Outcome);
            }
            if (truth is TaskOutcome.WrongResult or TaskOutcome.MalformedResult)
            {
                Assert.NotEqual(TaskState.Settled, task.State);
            }
            if (task.State == TaskState.Rejected)
            {
                Assert.Equal(truth, task.Outcome);
            }
            Assert.True(task.Attempts <= t.Chain.Parameters.MaxTaskAttempts);
        }

        foreach (var (address, worker) in t.Chain.GetWorkers())
        {
            uint holding = (uint)tasks.Count(task => task.State is TaskState.Assigned or TaskState.Committed && task.Worker == address);
            Assert.Equal(holding, worker.ActiveTasks);
            Assert.True(worker.ActiveTasks <= t.Chain.Parameters.MaxActiveTasksPerWorker);
            Assert.Equal(registeredStake[address], worker.Stake.Value + worker.Slashed.Value);
            Assert.True(worker.Reputation <= Worker.MaxReputation);
            Assert.Equal(worker.TasksSettled, (ulong)tasks.Count(task => task.State == TaskState.Settled && task.Worker == address));
            Assert.Equal(worker.TasksRejected, (ulong)tasks.Count(task => task.State == TaskState.Rejected && task.Worker == address));
        }
    }

    /// <summary>
    /// Proposes the block; when a transaction is refused for a reason of its own, drops it and proposes again, so the
    /// sender's later transactions keep contiguous nonces and are judged on their merits. Commits the final proposal.
    /// </summary>
    private static Pocc.Ledger.Blocks.Block ProduceKeepingNoncesContiguous(TaskChain t, List<TxBuilder> builders)
    {
        while (true)
        {
            var signed = t.Sign([.. builders]);
            var proposed = t.Test.Propose(signed);
            var refused = proposed.Rejected.FirstOrDefault(r => r.Code is not (LedgerErrors.NonceGap or LedgerErrors.NonceTooLow));
            if (refused is null)
            {
                Assert.Empty(proposed.Rejected);
                return t.Chain.Commit(proposed, t.Test.SignCommit(proposed.Block)).Block;
            }
            Assert.False(string.IsNullOrEmpty(refused.Code));
            builders.RemoveAt(Array.IndexOf(signed, refused.Transaction));
        }
    }

    /// <summary>Turns an intent into a transaction aimed at the current state: mostly legal, sometimes not.</summary>
    private static TxBuilder? Resolve(TaskChain t, Intent intent)
    {
        var open = t.Chain.GetOpenTasks();
        switch (intent.Kind)
        {
            case 0:
            {
                ulong stake = (intent.B % 4) switch { 0 => 1_000_000, 1 => 2_000_000, 2 => 999_999, _ => 3_000_000 };
                var capabilities = (intent.C % 4) switch
                {
                    0 => WorkerCapabilities.MatmulMod61,
                    1 => WorkerCapabilities.MatmulFloat64,
                    2 => TaskKinds.All,
                    _ => WorkerCapabilities.None,
                };
                return TaskTx.Register(Workers[intent.A % Workers.Length], stake, capabilities);
            }
            case 1:
            {
                uint rows = 1 + (uint)(intent.C % 3), inner = 1 + (uint)(intent.C / 3 % 3), columns = 1 + (uint)(intent.C / 9 % 3);
                uint deadline = 1 + (uint)(intent.C / 27 % 3);
                var spec = intent.B % 2 == 0 ? Specs.Mod61(rows, inner, columns, deadline) : Specs.Float64(rows, inner, columns, deadline);
                if (intent.B % 8 == 7)
                {
                    spec = spec with { Rounds = 0 };
                }
                ulong fee = 1_000 + (ulong)(intent.A % 3) * 50_000;
                return TaskTx.Post(Requesters[intent.A % Requesters.Length], spec, fee);
            }
            case 2:
            {
                var assigned = open.Where(task => task.State == TaskState.Assigned).ToList();
                var task = assigned.Count > 0 ? assigned[intent.A % assigned.Count] : null;
                ulong id = task?.Id ?? (ulong)(1 + intent.A % 5);
                var sender = task is not null && intent.B % 5 != 0 ? Workers.Single(k => k.Address == task.Worker) : Workers[intent.C % Workers.Length];
                var spec = task?.Spec ?? Specs.Mod61();
                var result = Specs.Result(spec, $"result-{intent.C}");
                return TaskTx.Commit(sender, id, intent.C % 7 == 0 ? result with { Size = result.Size + 8 } : result);
            }
            case 3:
            {
                var committed = open.Where(task => task.State == TaskState.Committed).ToList();
                ulong id = committed.Count > 0 ? committed[intent.A % committed.Count].Id : (ulong)(1 + intent.A % 5);
                var outcome = intent.B % 3 != 0 ? t.Results.OutcomeFor(id) : Verdicts[intent.C % Verdicts.Length];
                var sender = intent.C % 9 == 0 ? Bob : t.Validator;
                return TaskTx.Verdict(sender, id, outcome);
            }
            default:
                return null;
        }
    }
}
