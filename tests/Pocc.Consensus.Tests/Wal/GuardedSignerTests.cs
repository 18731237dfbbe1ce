using Pocc.Ledger.Consensus;
using Pocc.Consensus.Tendermint;
using Pocc.Consensus.Tests.Tendermint;
using Pocc.Consensus.Wal;
using Pocc.Core.Encoding;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tests.Builders;

namespace Pocc.Consensus.Tests.Wal;

public sealed class GuardedSignerTests : IDisposable
{
    private static readonly ChainId Chain = MachineFixture.Chain;
    private static readonly Height H = MachineFixture.H;
    private static readonly KeyPairConsensusSigner Key = new(TestKeys.Of("guarded"));

    private readonly TempDirectory _directory = new();

    private string StateFile => _directory.File("signer-state");

    private GuardedSigner Open() => new(Key, StateFile);

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Signs_like_the_wrapped_signer()
    {
        var guard = Open();

        Assert.Equal(Key.SignVote(Chain, VoteType.Prevote, H, 0, MachineFixture.A), guard.SignVote(Chain, VoteType.Prevote, H, 0, MachineFixture.A));
        Assert.Equal(Key.SignProposal(Chain, H, 1, MachineFixture.B, MachineFixture.Parts(MachineFixture.B), 0), guard.SignProposal(Chain, H, 1, MachineFixture.B, MachineFixture.Parts(MachineFixture.B), 0));
        Assert.Equal(Key.Address, guard.Address);
    }

    [Theory]
    [InlineData(VoteType.Prevote, true, false)]
    [InlineData(VoteType.Prevote, false, true)]
    [InlineData(VoteType.Precommit, true, false)]
    [InlineData(VoteType.Precommit, false, true)]
    [InlineData(VoteType.Precommit, false, false)]
    public void Refuses_a_vote_that_conflicts_with_one_signed_before(VoteType type, bool firstNil, bool secondNil)
    {
        var guard = Open();
        guard.SignVote(Chain, type, H, 2, firstNil ? null : MachineFixture.A);

        var error = Assert.Throws<DoubleSignException>(() => guard.SignVote(Chain, type, H, 2, secondNil ? null : MachineFixture.B));

        Assert.Equal(DoubleSignException.Conflict, error.Code);
        Assert.Equal((H, 2), (error.Height, error.Round));
    }

    [Fact]
    public void Refuses_a_proposal_of_another_block_or_valid_round_in_the_same_round()
    {
        var guard = Open();
        guard.SignProposal(Chain, H, 3, MachineFixture.A, MachineFixture.Parts(MachineFixture.A), Proposal.NoRound);

        Assert.Equal(DoubleSignException.Conflict, Assert.Throws<DoubleSignException>(() => guard.SignProposal(Chain, H, 3, MachineFixture.B, MachineFixture.Parts(MachineFixture.B), Proposal.NoRound)).Code);
        Assert.Equal(DoubleSignException.Conflict, Assert.Throws<DoubleSignException>(() => guard.SignProposal(Chain, H, 3, MachineFixture.A, MachineFixture.Parts(MachineFixture.A), 1)).Code);
    }

    [Fact]
    public void Refuses_to_go_back_to_an_earlier_height_round_or_step()
    {
        var guard = Open();
        guard.SignVote(Chain, VoteType.Prevote, H, 2, MachineFixture.A);

        Assert.Equal(DoubleSignException.Regression, Assert.Throws<DoubleSignException>(() => guard.SignVote(Chain, VoteType.Prevote, H, 1, MachineFixture.A)).Code);
        Assert.Equal(DoubleSignException.Regression, Assert.Throws<DoubleSignException>(() => guard.SignProposal(Chain, H, 2, MachineFixture.A, MachineFixture.Parts(MachineFixture.A), Proposal.NoRound)).Code);
        Assert.Equal(DoubleSignException.Regression, Assert.Throws<DoubleSignException>(() => guard.SignVote(Chain, VoteType.Prevote, new Height(H.Value - 1), 9, null)).Code);
        guard.SignVote(Chain, VoteType.Prevote, H.Next, 0, MachineFixture.B);
        Assert.Equal(DoubleSignException.Regression, Assert.Throws<DoubleSignException>(() => guard.SignVote(Chain, VoteType.Precommit, H, 3, null)).Code);
    }

    [Fact]
    public void Identical_requests_return_identical_bytes_even_for_earlier_steps_of_the_height()
    {
        var guard = Open();
        var prevote = guard.SignVote(Chain, VoteType.Prevote, H, 0, MachineFixture.A);
        var precommit = guard.SignVote(Chain, VoteType.Precommit, H, 0, null);
        guard.SignVote(Chain, VoteType.Prevote, H, 1, MachineFixture.B);

        Assert.Equal(Canonical.Encode(prevote), Canonical.Encode(guard.SignVote(Chain, VoteType.Prevote, H, 0, MachineFixture.A)));
        Assert.Equal(Canonical.Encode(precommit), Canonical.Encode(guard.SignVote(Chain, VoteType.Precommit, H, 0, null)));
        Assert.Equal(3, guard.SignedAtLastHeight.Count);
    }

    [Fact]
    public void Remembers_what_it_signed_across_a_reopen()
    {
        var prevote = Open().SignVote(Chain, VoteType.Prevote, H, 4, MachineFixture.A);
        var proposal = Open().SignProposal(Chain, H, 5, MachineFixture.B, MachineFixture.Parts(MachineFixture.B), 4);

        var reopened = Open();

        Assert.Equal(H, reopened.LastHeight);
        Assert.Equal(prevote, reopened.SignVote(Chain, VoteType.Prevote, H, 4, MachineFixture.A));
        Assert.Equal(proposal, reopened.SignProposal(Chain, H, 5, MachineFixture.B, MachineFixture.Parts(MachineFixture.B), 4));
        Assert.Throws<DoubleSignException>(() => reopened.SignVote(Chain, VoteType.Prevote, H, 4, null));
        Assert.Throws<DoubleSignException>(() => reopened.SignVote(Chain, VoteType.Precommit, H, 4, MachineFixture.A));
    }

    [Fact]
    public void A_damaged_state_file_stops_the_signer_from_starting()
    {
        Open().SignVote(Chain, VoteType.Prevote, H, 0, MachineFixture.A);
        var bytes = File.ReadAllBytes(StateFile);
        bytes[20] ^= 0x40;
        File.WriteAllBytes(StateFile, bytes);

        var error = Assert.Throws<WalCorruptException>(Open);

        Assert.Equal(WalCorruptException.CorruptSignerState, error.Code);
    }
}
