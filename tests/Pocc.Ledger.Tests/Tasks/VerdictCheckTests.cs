using Pocc.Ledger.Consensus;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tasks;
using Pocc.Ledger.Tests.Builders;
using static Pocc.Ledger.Tests.Builders.TestKeys;

namespace Pocc.Ledger.Tests.Tasks;

/// <summary>A verdict is only a claim: every node checks it against its own result verification before accepting it.</summary>
public sealed class VerdictCheckTests
{
    [Fact]
    public void Verifier_gets_the_committed_task_and_a_seed_from_the_beacon_of_the_block_after_the_commitment()
    {
        using var t = TaskChain.Create();
        t.ProduceOk(TaskTx.Register(Alice));
        t.ProduceOk(TaskTx.Post(Dave, Specs.Mod61()));
        t.ProduceOk(TaskTx.Commit(Alice, 1, Specs.Result(Specs.Mod61())));
        t.ProduceEmpty(1);
        var committed = t.Task(1);
        var beacon = Beacon.FromProof(t.Chain.GetHeader(new Height(4))!.BeaconProof);
        var seed = TaskRules.ChallengeSeed(beacon, committed);
        Assert.Equal(seed, t.Chain.ChallengeSeedFor(committed));
        Assert.Empty(t.Results.Calls);

        t.ProduceOk(TaskTx.Verdict(t.Validator, 1, TaskOutcome.Verified));

        var call = Assert.Single(t.Results.Calls);
        Assert.Equal(committed, call.Task);
        Assert.Equal(seed, call.Seed);
        // The settled task still names the same seed, so anyone can redo the check.
        Assert.Equal(seed, t.Chain.ChallengeSeedFor(t.Task(1)));
        // The seed binds the beacon, the task and the committed result; the commit block's own beacon is not it.
        Assert.NotEqual(seed, TaskRules.ChallengeSeed(Beacon.FromProof(t.Chain.GetHeader(new Height(3))!.BeaconProof), committed));
        Assert.NotEqual(seed, TaskRules.ChallengeSeed(beacon, committed with { Id = 2 }));
        Assert.NotEqual(seed, TaskRules.ChallengeSeed(beacon, committed with { Result = Specs.Result(Specs.Mod61(), "other") }));
    }

    [Fact]
    public void Verdict_right_after_the_commit_block_uses_that_blocks_own_beacon_as_seed()
    {
        using var t = TaskChain.Create();
        t.ProduceOk(TaskTx.Register(Alice));
        t.ProduceOk(TaskTx.Post(Dave, Specs.Mod61()));
        t.ProduceOk(TaskTx.Commit(Alice, 1, Specs.Result(Specs.Mod61())));
        var committed = t.Task(1);
        Assert.Null(t.Chain.ChallengeSeedFor(committed));

        t.ProduceOk(TaskTx.Verdict(t.Validator, 1, TaskOutcome.Verified));

        Assert.Equal(TaskRules.ChallengeSeed(t.Chain.Beacon, committed), Assert.Single(t.Results.Calls).Seed);
        Assert.Equal(TaskRules.ChallengeSeed(t.Chain.Beacon, committed), t.Chain.ChallengeSeedFor(t.Task(1)));
    }

    [Theory]
    [InlineData(TaskOutcome.WrongResult, TaskOutcome.Verified)]
    [InlineData(TaskOutcome.Verified, TaskOutcome.WrongResult)]
    [InlineData(TaskOutcome.ResultUnavailable, TaskOutcome.Verified)]
    public void Proposal_from_a_proposer_whose_check_disagrees_is_refused_by_an_honest_voter_and_changes_nothing(TaskOutcome truth, TaskOutcome claimed)
    {
        using var honest = TaskChain.Create();
        honest.Results.Prescribe(1, truth);
        using var liar = LiarAfterACommittedTask(honest, claimed);

        var produced = liar.Produce(honest.Sign(TaskTx.Verdict(honest.Validator, 1, claimed)));
        Assert.Empty(produced.Rejected);
        var before = TaskSnapshot.Of(honest.Chain);

        var validation = honest.Chain.Validate(produced.Block);

        Assert.False(validation.IsValid);
        Assert.Equal(LedgerErrors.BlockVerdictMismatch, validation.Code);
        Assert.Equal(before, TaskSnapshot.Of(honest.Chain));
        Assert.Equal(TaskState.Committed, honest.Task(1).State);

        // The honest node goes on with its own verdict.
        honest.ProduceOk(TaskTx.Verdict(honest.Validator, 1, truth));
        Assert.Equal(truth == TaskOutcome.Verified ? TaskState.Settled : truth == TaskOutcome.WrongResult ? TaskState.Rejected : TaskState.Posted,
            honest.Task(1).State);
    }

    [Fact]
    public void Committed_block_is_applied_whatever_this_nodes_own_check_of_its_verdict_says()
    {
        // A node whose copy of the blobs differs (here: says unavailable) follows the quorum's decision; the verdict
        // was judged by the voters, and the state transition does not read blobs.
        using var follower = TaskChain.Create();
        follower.Results.Prescribe(1, TaskOutcome.ResultUnavailable);
        using var validators = LiarAfterACommittedTask(follower, TaskOutcome.Verified);
        var produced = validators.Produce(follower.Sign(TaskTx.Verdict(follower.Validator, 1, TaskOutcome.Verified)));
        Assert.Equal(LedgerErrors.BlockVerdictMismatch, follower.Chain.Validate(produced.Block).Code);

        follower.Chain.Apply(produced.Block, produced.Commit);

        Assert.Equal(validators.Chain.StateRoot, follower.Chain.StateRoot);
        Assert.Equal(TaskState.Settled, follower.Task(1).State);
    }

    [Fact]
    public void Node_without_a_result_verifier_refuses_to_vote_for_a_verdict_but_follows_a_committed_one()
    {
        using var t = TaskChain.Create();
        using var blind = t.Test.ReplicaWith(null);
        t.ProduceOk(TaskTx.Register(Alice));
        t.ProduceOk(TaskTx.Post(Dave, Specs.Mod61()));
        t.ProduceOk(TaskTx.Commit(Alice, 1, Specs.Result(Specs.Mod61())));
        t.ProduceOk(TaskTx.Verdict(t.Validator, 1, TaskOutcome.Verified));

        var blocks = t.Test.CommittedBlocks().ToList();
        foreach (var (block, commit) in blocks.Take(3))
        {
            blind.Chain.Apply(block, commit);
        }
        var before = TaskSnapshot.Of(blind.Chain);
        Assert.Equal(LedgerErrors.BlockVerdictMismatch, blind.Chain.Validate(blocks[3].Block).Code);
        Assert.Equal(before, TaskSnapshot.Of(blind.Chain));

        blind.Chain.Apply(blocks[3].Block, blocks[3].Commit);
        Assert.Equal(t.Chain.StateRoot, blind.Chain.StateRoot);
    }

    /// <summary>A replica of <paramref name="honest"/> whose result check says <paramref name="claimed"/>, both with task 1 committed.</summary>
    private static TestChain LiarAfterACommittedTask(TaskChain honest, TaskOutcome claimed)
    {
        var liar = honest.Test.ReplicaWith(new ScriptedResults().Prescribe(1, claimed));
        honest.ProduceOk(TaskTx.Register(Alice));
        honest.ProduceOk(TaskTx.Post(Dave, Specs.Mod61()));
        honest.ProduceOk(TaskTx.Commit(Alice, 1, Specs.Result(Specs.Mod61())));
        foreach (var (block, commit) in honest.Test.CommittedBlocks())
        {
            liar.Chain.Apply(block, commit);
        }
        Assert.Equal(honest.Chain.StateRoot, liar.Chain.StateRoot);
        return liar;
    }
}
