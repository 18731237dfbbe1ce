using Pocc.Ledger.Consensus;
using Pocc.Consensus.Tendermint;
using Pocc.Consensus.Tests.Tendermint;
using Pocc.Consensus.Wal;

namespace Pocc.Consensus.Tests.Wal;

public sealed class WalReplayTests
{
    private static readonly MachineFixture Fixture = new(self: 3);

    private static Start StartEvent() =>
        new(MachineFixture.H, Fixture.Validators, new RotatingProposers(Fixture.Keys.Select(k => k.Address).ToArray()));

    /// <summary>A validator with the WAL and guard of <paramref name="directory"/>, as a host would build it after a (re)start.</summary>
    private static (TendermintMachine Machine, ConsensusWal Wal) Validator(TempDirectory directory)
    {
        var signer = new GuardedSigner(new KeyPairConsensusSigner(Fixture.Keys[Fixture.Self]), directory.File("signer"));
        return (new TendermintMachine(MachineFixture.Chain, signer, MachineFixture.Timeouts), ConsensusWal.Open(directory.File("wal")));
    }

    [Fact]
    public void A_restarted_validator_regains_its_lock_and_rebroadcasts_the_same_votes()
    {
        using var directory = new TempDirectory();
        TendermintState before;
        var signed = new List<ConsensusAction>();
        var (machine, wal) = Validator(directory);
        using (wal)
        {
            // Round 0: lock on A. Round 1: B is proposed without a proof-of-lock, so the validator prevotes nil.
            IEnumerable<ConsensusEvent> events =
            [
                StartEvent(),
                new ProposalReceived(Fixture.SignedProposal(0, MachineFixture.A)),
                new ProposalValidated(MachineFixture.H, MachineFixture.A, true),
                new VoteReceived(Fixture.Prevote(0, 0, MachineFixture.A)),
                new VoteReceived(Fixture.Prevote(1, 0, MachineFixture.A)),
                new VoteReceived(Fixture.Precommit(0, 0, null)),
                new VoteReceived(Fixture.Precommit(1, 0, null)),
                new TimeoutElapsed(TimeoutKind.Precommit, MachineFixture.H, 0),
                new ProposalReceived(Fixture.SignedProposal(1, MachineFixture.B)),
                new ProposalValidated(MachineFixture.H, MachineFixture.B, true),
            ];
            foreach (var consensusEvent in events)
            {
                signed.AddRange(wal.Handle(machine, consensusEvent).Actions.Where(a => a is BroadcastVote or BroadcastProposal));
            }
            before = machine.State;
        }
        Assert.Equal((MachineFixture.A, 0, 1), (before.LockedValue, before.LockedRound, before.Round));
        Assert.Equal(3, signed.Count);

        var (restarted, reopened) = Validator(directory);
        using (reopened)
        {
            var result = WalReplay.Replay(restarted, StartEvent(), reopened.Records);

            Assert.Equal(before, restarted.State);
            Assert.Equal(9, result.EventsReplayed);
            Assert.Equal(signed, result.Actions.Take(signed.Count));
            Assert.DoesNotContain(result.Actions.Skip(signed.Count), a => a is BroadcastVote or BroadcastProposal);
        }
    }

    [Fact]
    public void A_signature_whose_event_missed_the_wal_is_still_never_contradicted()
    {
        using var directory = new TempDirectory();
        TendermintState before;
        var (machine, wal) = Validator(directory);
        using (wal)
        {
            wal.Handle(machine, StartEvent());
            wal.Handle(machine, new ProposalReceived(Fixture.SignedProposal(0, MachineFixture.A)));
            wal.Handle(machine, new ProposalValidated(MachineFixture.H, MachineFixture.A, true));
            wal.Handle(machine, new VoteReceived(Fixture.Prevote(0, 0, MachineFixture.A)));
            // The crash comes after the guard stored the precommit for A but before the host logged the event behind it.
            var output = machine.Handle(new VoteReceived(Fixture.Prevote(1, 0, MachineFixture.A)));
            Assert.Contains(new BroadcastVote(Fixture.Precommit(Fixture.Self, 0, MachineFixture.A)), output.Actions);
        }

        var (restarted, reopened) = Validator(directory);
        using (reopened)
        {
            WalReplay.Replay(restarted, StartEvent(), reopened.Records);
            Assert.Equal(RoundStep.Prevote, restarted.State.Step);

            // Not knowing it precommitted A, the machine would precommit nil when the prevote timer fires.
            var error = Assert.Throws<DoubleSignException>(() => reopened.Handle(restarted, new TimeoutElapsed(TimeoutKind.Prevote, MachineFixture.H, 0)));
            Assert.Equal(DoubleSignException.Conflict, error.Code);
            before = restarted.State;
        }

        // The refused event was logged, so the next restart walks into the same refusal and ends in the same state.
        var (again, log) = Validator(directory);
        using (log)
        {
            WalReplay.Replay(again, StartEvent(), log.Records);
            Assert.Equal(before, again.State);
        }
    }

    [Fact]
    public void Only_the_height_after_the_last_end_marker_is_replayed()
    {
        using var directory = new TempDirectory();
        var (machine, wal) = Validator(directory);
        using (wal)
        {
            wal.Handle(machine, StartEvent());
            wal.Handle(machine, new TimeoutElapsed(TimeoutKind.Propose, MachineFixture.H, 0));
            wal.EndHeight(MachineFixture.H);
        }

        var (restarted, reopened) = Validator(directory);
        using (reopened)
        {
            Assert.Throws<ArgumentException>(() => WalReplay.Replay(restarted, StartEvent(), reopened.Records));
            var next = new Start(MachineFixture.H.Next, Fixture.Validators, new RotatingProposers(Fixture.Keys.Select(k => k.Address).ToArray()));
            var result = WalReplay.Replay(restarted, next, reopened.Records);
            Assert.Equal(0, result.EventsReplayed);
            Assert.Equal(MachineFixture.H.Next, restarted.State.Height);
        }
    }
}
