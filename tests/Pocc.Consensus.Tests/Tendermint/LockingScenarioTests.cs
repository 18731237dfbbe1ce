using Pocc.Consensus.Tendermint;
using Pocc.Core.Hashing;
using Pocc.Ledger.Consensus;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.State;
using Pocc.Ledger.Tests.Builders;

namespace Pocc.Consensus.Tests.Tendermint;

/// <summary>
/// The scenario locks exist for, played step by step on four honest machines: one validator decides A while the
/// others miss the precommits, and the next proposer, which never saw A's prevotes, proposes B.
/// </summary>
public sealed class LockingScenarioTests
{
    private static readonly ChainId Chain = new("tm-lock");
    private static readonly Height H = new(1);
    private static readonly Hash32 A = Blake3Hash.Of("A"u8);
    private static readonly Hash32 B = Blake3Hash.Of("B"u8);

    private readonly TendermintMachine[] _machines;
    private readonly List<ConsensusAction>[] _sent = [[], [], [], []];
    private readonly Hash32?[] _decided = new Hash32?[4];

    public LockingScenarioTests()
    {
        var keys = Enumerable.Range(0, 4).Select(i => TestKeys.Of($"tm-lock-{i}")).ToArray();
        var validators = new ValidatorSet(keys.Select(k => new ValidatorPower(k.Address, k.PublicKey, 1)).ToList());
        // Round 0 is v0's, round 1 is v3's.
        var proposers = new RotatingProposers([keys[0].Address, keys[3].Address, keys[1].Address, keys[2].Address]);
        _machines = keys.Select(k => new TendermintMachine(Chain, new KeyPairConsensusSigner(k), MachineFixture.Timeouts)).ToArray();
        for (int i = 0; i < 4; i++)
        {
            Handle(i, new Start(H, validators, proposers));
        }
    }

    [Fact]
    public void A_validator_that_precommitted_A_does_not_help_decide_B_and_everyone_ends_on_A()
    {
        // Round 0: v0 proposes A, everyone prevotes it, but v3 never sees the prevotes.
        Handle(0, new ValueReady(H, 0, A, MachineFixture.Parts(A)));
        Deliver(from: 0, to: [1, 2, 3], round: 0);
        foreach (int i in new[] { 1, 2, 3 })
        {
            Handle(i, new ProposalValidated(H, A, true));
        }
        foreach (int from in new[] { 0, 1, 2, 3 })
        {
            Deliver(from, to: [0, 1, 2], round: 0, VoteType.Prevote);
        }
        Assert.All(_machines[..3], m => Assert.Equal(A, m.State.LockedValue));

        // Only v0 gets the precommits and decides A.
        Deliver(from: 1, to: [0], round: 0, VoteType.Precommit);
        Deliver(from: 2, to: [0], round: 0, VoteType.Precommit);
        Assert.Equal(A, _decided[0]);

        // Round 1: v3 knows no valid value and proposes B; v1 and v2 are locked on A and prevote nil.
        Handle(3, new TimeoutElapsed(TimeoutKind.Prevote, H, 0));
        foreach (int i in new[] { 1, 2, 3 })
        {
            Handle(i, new TimeoutElapsed(TimeoutKind.Precommit, H, 0));
        }
        Handle(3, new ValueReady(H, 1, B, MachineFixture.Parts(B)));
        Deliver(from: 3, to: [1, 2], round: 1);
        Handle(1, new ProposalValidated(H, B, true));
        Handle(2, new ProposalValidated(H, B, true));
        foreach (int from in new[] { 1, 2, 3 })
        {
            Deliver(from, to: [1, 2, 3], round: 1, VoteType.Prevote);
        }

        Assert.Null(Vote(1, 1, VoteType.Prevote).BlockHash);
        Assert.Null(Vote(2, 1, VoteType.Prevote).BlockHash);
        Assert.All(_decided[1..], d => Assert.Null(d));

        // The network heals: round 0's precommits reach everyone, and they decide A too.
        foreach (int from in new[] { 0, 1, 2 })
        {
            Deliver(from, to: [1, 2, 3], round: 0, VoteType.Precommit);
        }
        foreach (int from in new[] { 0, 1, 2, 3 })
        {
            Deliver(from, to: [3], round: 0, VoteType.Prevote);
        }
        Assert.All(_decided, d => Assert.Equal(A, d));
    }

    private void Handle(int index, ConsensusEvent consensusEvent)
    {
        var output = _machines[index].Handle(consensusEvent);
        _sent[index].AddRange(output.Actions);
        foreach (var decision in output.Actions.OfType<CommitDecision>())
        {
            _decided[index] = decision.BlockHash;
        }
    }

    private Vote Vote(int from, int round, VoteType type) =>
        _sent[from].OfType<BroadcastVote>().Select(b => b.Vote).Single(v => v.Round == round && v.Type == type);

    /// <summary>Delivers <paramref name="from"/>'s proposal of the round (no type) or its vote of that type to each of <paramref name="to"/>.</summary>
    private void Deliver(int from, int[] to, int round, VoteType? type = null)
    {
        ConsensusEvent message = type is { } voteType
            ? new VoteReceived(Vote(from, round, voteType))
            : new ProposalReceived(_sent[from].OfType<BroadcastProposal>().Select(b => b.Proposal).Single(p => p.Round == round));
        foreach (int target in to.Where(t => t != from))
        {
            Handle(target, message);
        }
    }
}
