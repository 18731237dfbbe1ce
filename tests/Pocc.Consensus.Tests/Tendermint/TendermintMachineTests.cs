using Pocc.Consensus.Tendermint;
using Pocc.Ledger.Consensus;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tests.Builders;
using static Pocc.Consensus.Tests.Tendermint.MachineFixture;

namespace Pocc.Consensus.Tests.Tendermint;

/// <summary>One test (or a few) per rule of Algorithm 1; line numbers are the paper's.</summary>
public sealed class TendermintMachineTests
{
    private readonly MachineFixture _f = new();

    [Fact]
    public void Start_enters_round_zero_and_a_non_proposer_only_waits_for_the_proposal()
    {
        var output = _f.Start();

        Assert.Equal(new TendermintState(H, 0, RoundStep.Propose, null, -1, null, -1, null), _f.State);
        var timeout = Assert.IsType<ScheduleTimeout>(Assert.Single(output.Actions));
        Assert.Equal(new ScheduleTimeout(TimeoutKind.Propose, H, 0, Timeouts.ProposeBase), timeout);
    }

    [Fact]
    public void Proposer_asks_for_a_value_then_signs_and_broadcasts_the_proposal_and_prevotes_it()
    {
        var f = new MachineFixture(self: 0);
        Assert.Contains(new GetValue(H, 0), f.Start().Actions);

        var output = f.Handle(new ValueReady(H, 0, A, MachineFixture.Parts(A)));

        var proposal = Assert.Single(output.Actions.OfType<BroadcastProposal>()).Proposal;
        Assert.Equal((A, -1, f.Keys[0].Address), (proposal.BlockHash, proposal.ValidRound, proposal.Proposer));
        Assert.True(proposal.Verify(Chain, f.Keys[0].PublicKey));
        // Its own block needs no validation round-trip.
        Assert.Empty(output.Actions.OfType<ValidateProposal>());
        Assert.Equal(A, output.SingleVote(VoteType.Prevote).BlockHash);
        Assert.Equal(RoundStep.Prevote, f.State.Step);
    }

    [Fact]
    public void A_value_that_arrives_after_the_round_moved_on_is_refused()
    {
        var f = new MachineFixture(self: 0);
        f.Start();
        f.Timeout(TimeoutKind.Propose, 0);

        var output = f.Handle(new ValueReady(H, 0, A, MachineFixture.Parts(A)));

        Assert.Equal(RejectReason.Stale, output.Rejected?.Reason);
        Assert.Empty(output.Actions);
    }

    [Fact]
    public void Line22_prevotes_a_proposal_only_after_the_host_says_it_is_valid()
    {
        _f.Start();
        var received = _f.Receive(_f.SignedProposal(0, A));

        Assert.Equal(new ValidateProposal(H, 0, A), Assert.Single(received.Actions));
        Assert.Equal(RoundStep.Propose, _f.State.Step);

        var validated = _f.Handle(new ProposalValidated(H, A, true));

        Vote vote = validated.SingleVote(VoteType.Prevote);
        Assert.Equal((VoteType.Prevote, H, 0, (Pocc.Core.Hashing.Hash32?)A), (vote.Type, vote.Height, vote.Round, vote.BlockHash));
        Assert.True(vote.Verify(Chain, _f.Keys[3].PublicKey));
        Assert.Equal(RoundStep.Prevote, _f.State.Step);
    }

    [Fact]
    public void Line22_prevotes_nil_for_an_invalid_proposal()
    {
        _f.Start();
        _f.Receive(_f.SignedProposal(0, A));

        var output = _f.Handle(new ProposalValidated(H, A, false));

        Assert.Null(output.SingleVote(VoteType.Prevote).BlockHash);
    }

    [Fact]
    public void Line22_a_locked_validator_prevotes_nil_for_a_different_value_without_a_proof_of_lock()
    {
        _f.Start();
        _f.LockOn(0, A);
        Assert.Equal((A, 0), (_f.State.LockedValue, _f.State.LockedRound));
        _f.Timeout(TimeoutKind.Precommit, 0);

        var output = _f.ReceiveValidProposal(1, B);

        Assert.Null(output.SingleVote(VoteType.Prevote).BlockHash);
        Assert.Equal((A, 0), (_f.State.LockedValue, _f.State.LockedRound));
    }

    [Fact]
    public void Line22_a_locked_validator_prevotes_its_locked_value_again()
    {
        _f.Start();
        _f.LockOn(0, A);
        _f.Timeout(TimeoutKind.Precommit, 0);

        var output = _f.ReceiveValidProposal(1, A);

        Assert.Equal(A, output.SingleVote(VoteType.Prevote).BlockHash);
    }

    [Fact]
    public void Line28_a_prevote_quorum_for_another_value_at_a_later_round_than_the_lock_unlocks()
    {
        _f.Start();
        _f.LockOn(0, A);
        _f.Timeout(TimeoutKind.Precommit, 0);
        _f.Timeout(TimeoutKind.Propose, 1);
        _f.Prevotes(1, B, 0, 1, 2);
        _f.Timeout(TimeoutKind.Precommit, 1);

        var output = _f.ReceiveValidProposal(2, B, validRound: 1);

        Assert.Equal(B, output.SingleVote(VoteType.Prevote).BlockHash);
    }

    [Fact]
    public void Line28_a_proof_of_lock_from_the_round_of_the_lock_itself_unlocks()
    {
        _f.Start();
        _f.LockOn(0, A);
        // Equivocators made a second prevote quorum in round 0, for B: the paper's lockedRound <= vr admits it.
        _f.Prevotes(0, B, 0, 1, 2);
        _f.Timeout(TimeoutKind.Precommit, 0);

        var output = _f.ReceiveValidProposal(1, B, validRound: 0);

        Assert.Equal(B, output.SingleVote(VoteType.Prevote).BlockHash);
    }

    [Fact]
    public void Line28_a_proof_of_lock_older_than_the_lock_does_not_unlock()
    {
        _f.Start();
        _f.Timeout(TimeoutKind.Propose, 0);
        _f.Prevotes(0, B, 0, 1, 2);
        _f.Timeout(TimeoutKind.Precommit, 0);
        _f.LockOn(1, A);
        Assert.Equal((A, 1), (_f.State.LockedValue, _f.State.LockedRound));
        _f.Timeout(TimeoutKind.Precommit, 1);

        var output = _f.ReceiveValidProposal(2, B, validRound: 0);

        Assert.Null(output.SingleVote(VoteType.Prevote).BlockHash);
    }

    [Fact]
    public void Line28_waits_for_the_prevotes_that_prove_the_valid_round()
    {
        _f.Start();
        _f.Timeout(TimeoutKind.Propose, 0);
        _f.Timeout(TimeoutKind.Prevote, 0);
        _f.Timeout(TimeoutKind.Precommit, 0);

        var early = _f.ReceiveValidProposal(1, B, validRound: 0);
        Assert.Empty(early.Votes(VoteType.Prevote));

        var proved = _f.Prevotes(0, B, 0, 1, 2);
        Assert.Equal(B, proved.SingleVote(VoteType.Prevote).BlockHash);
    }

    [Fact]
    public void Line34_a_prevote_quorum_for_anything_schedules_the_prevote_timeout_once()
    {
        _f.Start();
        _f.ReceiveValidProposal(0, A);
        var output = _f.Prevotes(0, null, 0);
        output = new ConsensusOutput([.. output.Actions, .. _f.Prevotes(0, B, 1).Actions, .. _f.Prevotes(0, null, 2).Actions], null);

        var scheduled = Assert.Single(output.Actions.OfType<ScheduleTimeout>());
        Assert.Equal(new ScheduleTimeout(TimeoutKind.Prevote, H, 0, Timeouts.PrevoteBase), scheduled);
        Assert.Equal(RoundStep.Prevote, _f.State.Step);
    }

    [Fact]
    public void Line36_a_prevote_quorum_for_the_proposal_locks_and_precommits_it()
    {
        _f.Start();
        _f.ReceiveValidProposal(0, A);

        var output = _f.Prevotes(0, A, 0, 1);

        Assert.Equal(A, output.SingleVote(VoteType.Precommit).BlockHash);
        Assert.Equal(new TendermintState(H, 0, RoundStep.Precommit, A, 0, A, 0, null), _f.State);
    }

    [Fact]
    public void Line36_a_prevote_quorum_in_a_later_round_moves_the_lock_and_the_valid_value_to_it()
    {
        _f.Start();
        _f.LockOn(0, A);
        _f.Timeout(TimeoutKind.Precommit, 0);
        Assert.Null(_f.ReceiveValidProposal(1, B).SingleVote(VoteType.Prevote).BlockHash);

        var output = _f.Prevotes(1, B, 0, 1, 2);

        Assert.Equal(B, output.SingleVote(VoteType.Precommit).BlockHash);
        Assert.Equal((B, 1, B, 1), (_f.State.LockedValue, _f.State.LockedRound, _f.State.ValidValue, _f.State.ValidRound));
    }

    [Fact]
    public void Line36_after_precommitting_nil_a_late_prevote_quorum_still_sets_the_valid_value_but_not_the_lock()
    {
        _f.Start();
        _f.ReceiveValidProposal(0, A);
        _f.Timeout(TimeoutKind.Prevote, 0);

        var output = _f.Prevotes(0, A, 0, 1);

        Assert.Empty(output.Votes(VoteType.Precommit));
        Assert.Equal((null, -1, A, 0), (_f.State.LockedValue, _f.State.LockedRound, _f.State.ValidValue, _f.State.ValidRound));
    }

    [Fact]
    public void Line36_needs_the_proposal_to_be_valid()
    {
        _f.Start();
        _f.Receive(_f.SignedProposal(0, A));
        _f.Timeout(TimeoutKind.Propose, 0);
        _f.Prevotes(0, A, 0, 1, 2);
        Assert.Null(_f.State.ValidValue);

        _f.Handle(new ProposalValidated(H, A, false));
        Assert.Null(_f.State.ValidValue);
    }

    [Fact]
    public void Line16_a_proposer_with_a_valid_value_proposes_it_again_with_its_valid_round()
    {
        var f = new MachineFixture(self: 1);
        f.Start();
        f.ReceiveValidProposal(0, A);
        f.Timeout(TimeoutKind.Prevote, 0);
        f.Prevotes(0, A, 0, 2);
        Assert.Equal((A, 0), (f.State.ValidValue, f.State.ValidRound));

        var output = f.Timeout(TimeoutKind.Precommit, 0);

        var proposal = Assert.Single(output.Actions.OfType<BroadcastProposal>()).Proposal;
        Assert.Equal((1, A, 0), (proposal.Round, proposal.BlockHash, proposal.ValidRound));
        Assert.Empty(output.Actions.OfType<GetValue>());
        Assert.Equal(A, output.SingleVote(VoteType.Prevote).BlockHash);
    }

    [Fact]
    public void Line44_a_prevote_quorum_for_nil_precommits_nil()
    {
        _f.Start();
        _f.Timeout(TimeoutKind.Propose, 0);

        var output = _f.Prevotes(0, null, 0, 1);

        Assert.Null(output.SingleVote(VoteType.Precommit).BlockHash);
        Assert.Equal(RoundStep.Precommit, _f.State.Step);
    }

    [Fact]
    public void Line47_a_precommit_quorum_for_anything_schedules_the_precommit_timeout_once()
    {
        _f.Start();
        _f.Timeout(TimeoutKind.Propose, 0);

        var output = _f.Precommits(0, null, 0, 1);
        output = new ConsensusOutput([.. output.Actions, .. _f.Precommits(0, A, 2).Actions], null);

        Assert.Equal(new ScheduleTimeout(TimeoutKind.Precommit, H, 0, Timeouts.PrecommitBase), Assert.Single(output.Actions.OfType<ScheduleTimeout>()));
    }

    [Fact]
    public void Line49_a_precommit_quorum_for_the_proposal_decides_with_a_commit_the_ledger_accepts()
    {
        _f.Start();
        _f.LockOn(0, A);

        var output = _f.Precommits(0, A, 0, 2);

        var decision = Assert.Single(output.Actions.OfType<CommitDecision>());
        Assert.Equal((H, 0, A), (decision.Height, decision.Round, decision.BlockHash));
        Assert.Equal(3, decision.Certificate.Signatures.Count);
        _f.Validators.VerifyCommit(Chain, H, A, decision.Certificate);
        Assert.Equal((RoundStep.Committed, (Pocc.Core.Hashing.Hash32?)A), (_f.State.Step, _f.State.Decision));
        Assert.Equal(RejectReason.Stale, _f.Receive(_f.Precommit(1, 0, A)).Rejected?.Reason);
    }

    [Fact]
    public void Line49_decides_on_a_quorum_from_an_earlier_round_while_in_a_later_one()
    {
        _f.Start();
        _f.Receive(_f.SignedProposal(0, A));
        _f.Timeout(TimeoutKind.Propose, 0);
        _f.Timeout(TimeoutKind.Prevote, 0);
        _f.Timeout(TimeoutKind.Precommit, 0);
        Assert.Equal(1, _f.State.Round);
        _f.Precommits(0, A, 0, 1, 2);
        Assert.Null(_f.State.Decision);

        var output = _f.Handle(new ProposalValidated(H, A, true));

        Assert.Equal(0, Assert.Single(output.Actions.OfType<CommitDecision>()).Round);
    }

    [Fact]
    public void Line55_messages_from_more_than_a_third_of_the_power_in_a_later_round_skip_to_it()
    {
        _f.Start();
        Assert.Empty(_f.Prevotes(3 - 1, null, 0).Actions);
        Assert.Equal(0, _f.State.Round);

        var output = _f.Precommits(2, null, 1);

        Assert.Equal(2, _f.State.Round);
        Assert.Contains(new ScheduleTimeout(TimeoutKind.Propose, H, 2, Timeouts.For(TimeoutKind.Propose, 2)), output.Actions);
    }

    [Fact]
    public void Line55_counts_power_not_validators()
    {
        var f = new MachineFixture(self: 0, powers: [10, 1, 1, 1, 5]);
        f.Start();
        f.Prevotes(4, null, 1, 2, 3);
        Assert.Equal(0, f.State.Round);

        f.Prevotes(4, null, 4);

        Assert.Equal(4, f.State.Round);
    }

    [Fact]
    public void Quorum_counts_power_not_validators()
    {
        var f = new MachineFixture(self: 0, powers: [1, 1, 1, 10]);
        f.Start();
        f.Handle(new ValueReady(H, 0, A, MachineFixture.Parts(A)));
        Assert.Empty(f.Prevotes(0, A, 1, 2).Votes(VoteType.Precommit));

        Assert.Equal(A, f.Prevotes(0, A, 3).SingleVote(VoteType.Precommit).BlockHash);
    }

    [Fact]
    public void Line57_the_propose_timeout_prevotes_nil()
    {
        _f.Start();

        var output = _f.Timeout(TimeoutKind.Propose, 0);

        Assert.Null(output.SingleVote(VoteType.Prevote).BlockHash);
        Assert.Equal(RoundStep.Prevote, _f.State.Step);
    }

    [Fact]
    public void Line61_the_prevote_timeout_precommits_nil()
    {
        _f.Start();
        _f.Timeout(TimeoutKind.Propose, 0);

        var output = _f.Timeout(TimeoutKind.Prevote, 0);

        Assert.Null(output.SingleVote(VoteType.Precommit).BlockHash);
    }

    [Fact]
    public void Line65_the_precommit_timeout_starts_the_next_round()
    {
        _f.Start();

        _f.Timeout(TimeoutKind.Precommit, 0);

        Assert.Equal((1, RoundStep.Propose), (_f.State.Round, _f.State.Step));
    }

    [Fact]
    public void Timeouts_of_an_earlier_round_or_step_are_ignored()
    {
        _f.Start();
        _f.Timeout(TimeoutKind.Precommit, 0);
        var before = _f.State;

        Assert.Equal(RejectReason.Stale, _f.Timeout(TimeoutKind.Propose, 0).Rejected?.Reason);
        Assert.Equal(RejectReason.Stale, _f.Timeout(TimeoutKind.Prevote, 1).Rejected?.Reason);
        Assert.Equal(before, _f.State);
    }

    [Fact]
    public void Timeouts_grow_linearly_with_the_round()
    {
        _f.Start();

        var durations = Enumerable.Range(0, 4)
            .Select(round => Assert.Single(_f.Timeout(TimeoutKind.Precommit, round).Actions.OfType<ScheduleTimeout>()).Duration)
            .ToList();

        Assert.Equal(Enumerable.Range(1, 4).Select(r => Timeouts.ProposeBase + Timeouts.ProposeDelta * r), durations);
        Assert.Equal(TimeSpan.FromMilliseconds(100 + 20 * 7), Timeouts.For(TimeoutKind.Prevote, 7));
        Assert.Equal(TimeSpan.FromMilliseconds(200 + 30 * 7), Timeouts.For(TimeoutKind.Precommit, 7));
    }

    [Fact]
    public void An_equivocating_vote_is_reported_as_evidence_and_its_validator_counted_once_towards_any_quorum()
    {
        _f.Start();
        _f.ReceiveValidProposal(0, B);
        _f.Receive(_f.Prevote(1, 0, A));

        var output = _f.Receive(_f.Prevote(1, 0, B));

        var evidence = Assert.IsType<ReportEvidence>(Assert.Single(output.Actions)).Evidence;
        Assert.True(evidence.Verify(Chain, _f.Keys[1].PublicKey));
        Assert.False(evidence.Verify(Chain, _f.Keys[2].PublicKey));
        Assert.Equal((_f.Keys[1].Address, (Pocc.Core.Hashing.Hash32?)A, (Pocc.Core.Hashing.Hash32?)B), (evidence.Validator, evidence.First.BlockHash, evidence.Second.BlockHash));
        // Self and v1 have prevoted: 20 of 40. Had v1 counted twice, "any" would be a quorum and the prevote timer start.
        Assert.Empty(output.Actions.OfType<ScheduleTimeout>());
        Assert.Single(_f.Prevotes(0, null, 2).Actions.OfType<ScheduleTimeout>());
    }

    [Fact]
    public void An_equivocators_vote_counts_towards_each_value_it_signed_as_in_the_paper()
    {
        _f.Start();
        _f.ReceiveValidProposal(0, B);
        _f.Prevotes(0, A, 1);
        _f.Prevotes(0, B, 1);

        // Self, v1 (also for A) and v2 for B: more than two thirds signed B, whatever else v1 signed.
        var output = _f.Prevotes(0, B, 2);

        Assert.Equal(B, output.SingleVote(VoteType.Precommit).BlockHash);
    }

    [Fact]
    public void A_third_value_from_the_same_validator_is_held_uncounted_until_its_value_has_a_third_of_the_power()
    {
        _f.Start();
        _f.Prevotes(0, A, 1);
        _f.Prevotes(0, B, 1);

        var third = _f.Receive(_f.Prevote(1, 0, null));

        Assert.Equal(RejectReason.ConflictingVote, third.Rejected?.Reason);
        Assert.Empty(third.Actions);
        // Self prevotes nil: 10 of 40 for nil, so v1's held nil vote still does not count.
        Assert.Empty(_f.Timeout(TimeoutKind.Propose, 0).Votes(VoteType.Precommit));
        // v0's nil makes 20 of 40, more than a third: v1's held vote counts now, 30 of 40, and self precommits nil.
        Assert.Null(_f.Prevotes(0, null, 0).SingleVote(VoteType.Precommit).BlockHash);
    }

    [Fact]
    public void A_third_value_with_a_third_of_the_power_behind_it_counts_at_once()
    {
        _f.Start();
        _f.ReceiveValidProposal(0, B);
        _f.Prevotes(0, A, 1);
        _f.Prevotes(0, null, 1);
        _f.Prevotes(0, B, 0);

        // B has 20 of 40 (self and v0), more than a third: v1's third value counts at once and makes a quorum.
        var output = _f.Receive(_f.Prevote(1, 0, B));

        Assert.Null(output.Rejected);
        Assert.Equal(B, output.SingleVote(VoteType.Precommit).BlockHash);
    }

    [Fact]
    public void Rejected_messages_leave_the_state_unchanged_and_say_why()
    {
        _f.Start();
        _f.ReceiveValidProposal(0, A);
        _f.Receive(_f.Prevote(0, 0, A));
        var stranger = TestKeys.Of("tm-stranger");
        var forged = _f.Prevote(1, 0, A) with { Signature = _f.Prevote(1, 0, B).Signature };
        // An equivocating proposer's second block is kept (a node may need it to follow the others' decision); a third is not.
        Assert.True(_f.Receive(_f.SignedProposal(0, B)).Accepted);
        var before = _f.State;

        (ConsensusOutput Output, RejectReason Reason)[] cases =
        [
            (_f.Receive(forged), RejectReason.BadSignature),
            (_f.Receive(Vote.Sign(Chain, VoteType.Prevote, H, 0, A, stranger)), RejectReason.UnknownValidator),
            (_f.Receive(_f.Prevote(1, 0, A, new Height(H.Value + 1))), RejectReason.WrongHeight),
            (_f.Receive(_f.Prevote(1, 0, A, new Height(H.Value - 1))), RejectReason.WrongHeight),
            (_f.Receive(_f.Prevote(0, 0, A)), RejectReason.Duplicate),
            (_f.Receive(_f.Prevote(1, TendermintMachine.DefaultMaxRoundsAhead + 1, A)), RejectReason.RoundTooFarAhead),
            (_f.Receive(Proposal.Sign(Chain, H, 1, B, MachineFixture.Parts(B), Proposal.NoRound, _f.Keys[2])), RejectReason.NotTheProposer),
            (_f.Receive(_f.SignedProposal(0, A)), RejectReason.Duplicate),
            (_f.Receive(_f.SignedProposal(0, Pocc.Core.Hashing.Blake3Hash.Of("value C"u8))), RejectReason.ConflictingProposal),
            (_f.Receive(_f.SignedProposal(2, B) with { Round = 1 }), RejectReason.NotTheProposer),
            (_f.Receive(_f.SignedProposal(1, B) with { BlockHash = A }), RejectReason.BadSignature),
            (_f.Receive(_f.SignedProposal(1, B) with { ValidRound = 1 }), RejectReason.Malformed),
            (_f.Receive(_f.Prevote(1, 0, A) with { Round = -1 }), RejectReason.Malformed),
            (_f.Receive(_f.Prevote(1, 0, A) with { Type = (VoteType)7 }), RejectReason.Malformed),
        ];

        Assert.All(cases, c => Assert.Equal(c.Reason, c.Output.Rejected?.Reason));
        Assert.All(cases, c => Assert.Empty(c.Output.Actions));
        Assert.All(cases, c => Assert.False(string.IsNullOrEmpty(c.Output.Rejected?.Message)));
        Assert.Equal(before, _f.State);
        // v1's genuine vote still counts: the forged one was not recorded in its place.
        Assert.Equal(A, _f.Receive(_f.Prevote(1, 0, A)).SingleVote(VoteType.Precommit).BlockHash);
    }

    [Fact]
    public void Messages_before_start_are_refused()
    {
        var output = _f.Receive(_f.Prevote(0, 0, A));

        Assert.Equal(RejectReason.NotStarted, output.Rejected?.Reason);
    }

    [Fact]
    public void A_node_outside_the_validator_set_follows_and_decides_without_voting()
    {
        var f = new MachineFixture(self: 3, signer: TestKeys.Of("tm-observer"));
        f.Start();
        var outputs = new[] { f.ReceiveValidProposal(0, A), f.Prevotes(0, A, 0, 1, 2), f.Precommits(0, A, 0, 1, 2) };

        Assert.Empty(outputs.SelectMany(o => o.Actions).OfType<BroadcastVote>());
        Assert.Equal(A, f.State.Decision);
    }

    [Fact]
    public void Start_of_the_next_height_clears_locks_and_votes()
    {
        _f.Start();
        _f.LockOn(0, A);
        _f.Precommits(0, A, 0, 1);

        _f.Start(new Height(H.Value + 1));

        Assert.Equal(new TendermintState(new Height(H.Value + 1), 0, RoundStep.Propose, null, -1, null, -1, null), _f.State);
    }
}
