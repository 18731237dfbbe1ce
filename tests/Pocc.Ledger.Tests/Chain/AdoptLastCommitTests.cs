using Pocc.Ledger.Tests.Builders;

namespace Pocc.Ledger.Tests.Chain;

/// <summary>
/// Validators finalize a height with different quorums of precommits; the next block names one, and a validator holding
/// another adopts it. Only valid commits for the head are adopted.
/// </summary>
public sealed class AdoptLastCommitTests : IDisposable
{
    private readonly TestChain _chain;

    public AdoptLastCommitTests()
    {
        var genesis = GenesisBuilder.Default().WithoutValidators();
        for (int i = 0; i < 4; i++)
        {
            genesis.WithValidator($"adopt-v{i}", GenesisBuilder.DefaultValidatorStake);
        }
        _chain = TestChain.Create(genesis);
    }

    public void Dispose() => _chain.Dispose();

    [Fact]
    public void Another_quorum_for_the_head_replaces_its_commit_on_disk_and_in_the_next_proposal()
    {
        var proposed = _chain.Propose();
        _chain.Chain.Commit(proposed, _chain.SignCommit(proposed.Block, _chain.ValidatorKeys.Take(3)));
        var other = _chain.SignCommit(proposed.Block, _chain.ValidatorKeys.Skip(1));

        _chain.Chain.AdoptLastCommit(other);

        Assert.Equal(other.Hash, _chain.Chain.GetCommit(proposed.Block.Header.Height)!.Hash);
        Assert.Equal(other.Hash, _chain.Propose().Block.Header.LastCommitHash);
    }

    [Fact]
    public void A_commit_without_a_quorum_is_refused_and_changes_nothing()
    {
        var produced = _chain.Produce();
        var weak = _chain.SignCommit(produced.Block, _chain.ValidatorKeys.Take(2));

        Assert.Equal(LedgerErrors.BlockBadCommit, Assert.Throws<LedgerException>(() => _chain.Chain.AdoptLastCommit(weak)).Code);
        Assert.Equal(produced.Commit.Hash, _chain.Chain.GetCommit(produced.Block.Header.Height)!.Hash);
    }

    [Fact]
    public void After_a_restart_the_head_commit_cannot_be_swapped()
    {
        var produced = _chain.Produce();
        _chain.Reopen();

        var other = _chain.SignCommit(produced.Block, _chain.ValidatorKeys.Take(3));

        Assert.Equal(LedgerErrors.BlockBadCommit, Assert.Throws<LedgerException>(() => _chain.Chain.AdoptLastCommit(other)).Code);
    }
}
