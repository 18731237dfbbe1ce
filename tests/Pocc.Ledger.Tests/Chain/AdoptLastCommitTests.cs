using Pocc.Ledger.Tests.Builders;

namespace Pocc.Ledger.Tests.Chain;

/// <summary>
/// Validators finalize a height with different quorums of precommits; the next block names one, and a validator holding
/// another adopts it. Only valid commits for the head are adopted.
/// </summary>
public sealed class AdoptLastCommitTests : IDisposable
{
    private readonly TestChain _chain;
    // Another validator's copy of the same chain: it finalizes with a different quorum and proposes the next block.
    private readonly TestChain _peer;

    public AdoptLastCommitTests()
    {
        _chain = TestChain.Create(FourValidators());
        _peer = TestChain.Create(FourValidators());
    }

    private static GenesisBuilder FourValidators()
    {
        var genesis = GenesisBuilder.Default().WithoutValidators();
        for (int i = 0; i < 4; i++)
        {
            genesis.WithValidator($"adopt-v{i}", GenesisBuilder.DefaultValidatorStake);
        }
        return genesis;
    }

    public void Dispose()
    {
        _chain.Dispose();
        _peer.Dispose();
    }

    /// <summary>Block 1 committed here with validators 0–2 and on the peer with 1–3; the peer's block 2 names its commit.</summary>
    private (Pocc.Ledger.Blocks.Commit PeerCommit, Pocc.Ledger.Blocks.Block Next, Pocc.Ledger.Blocks.Commit NextCommit) DivergentQuorums()
    {
        var proposed = _chain.Propose();
        _chain.Chain.Commit(proposed, _chain.SignCommit(proposed.Block, _chain.ValidatorKeys.Take(3)));
        var peerCommit = _peer.SignCommit(proposed.Block, _peer.ValidatorKeys.Skip(1));
        _peer.Chain.Apply(proposed.Block, peerCommit);
        var next = _peer.Propose();
        return (peerCommit, next.Block, _peer.SignCommit(next.Block, _peer.ValidatorKeys.Take(3)));
    }

    [Fact]
    public void After_a_restart_a_commit_named_by_a_finalized_next_block_is_adopted_and_that_block_applies()
    {
        var (peerCommit, next, nextCommit) = DivergentQuorums();
        _chain.Reopen();

        _chain.Chain.AdoptLastCommit(peerCommit, next, nextCommit);
        _chain.Chain.Apply(next, nextCommit);

        Assert.Equal(peerCommit.Hash, _chain.Chain.GetCommit(new Pocc.Ledger.Primitives.Height(1))!.Hash);
        Assert.Equal(next.Hash, _chain.Chain.GetHead().Hash);
    }

    [Fact]
    public void A_commit_vouched_for_without_a_quorum_on_the_next_block_or_not_named_by_it_is_refused_and_changes_nothing()
    {
        var (peerCommit, next, nextCommit) = DivergentQuorums();
        var own = _chain.Chain.GetCommit(new Pocc.Ledger.Primitives.Height(1))!;
        _chain.Reopen();
        var weak = _peer.SignCommit(next, _peer.ValidatorKeys.Take(2));

        Assert.Equal(LedgerErrors.BlockBadCommit, Assert.Throws<LedgerException>(() => _chain.Chain.AdoptLastCommit(peerCommit, next, weak)).Code);
        Assert.Equal(LedgerErrors.BlockBadCommit, Assert.Throws<LedgerException>(() => _chain.Chain.AdoptLastCommit(peerCommit, next, peerCommit)).Code);
        // A third quorum (validators 0, 1 and 3): valid for block 1, but not the one block 2 names.
        var unnamed = _chain.SignCommit(_chain.Chain.GetBlock(new Pocc.Ledger.Primitives.Height(1))!, [_chain.ValidatorKeys[0], _chain.ValidatorKeys[1], _chain.ValidatorKeys[3]]);
        Assert.Equal(LedgerErrors.BlockBadCommit, Assert.Throws<LedgerException>(() => _chain.Chain.AdoptLastCommit(unnamed, next, nextCommit)).Code);
        Assert.Equal(own.Hash, _chain.Chain.GetCommit(new Pocc.Ledger.Primitives.Height(1))!.Hash);
    }

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
    public void After_a_restart_another_quorum_for_the_head_is_still_adopted_and_a_weak_one_still_refused()
    {
        var proposed = _chain.Propose();
        _chain.Chain.Commit(proposed, _chain.SignCommit(proposed.Block, _chain.ValidatorKeys.Take(3)));
        _chain.Reopen();
        var weak = _chain.SignCommit(proposed.Block, _chain.ValidatorKeys.Skip(2));
        var other = _chain.SignCommit(proposed.Block, _chain.ValidatorKeys.Skip(1));

        Assert.Equal(LedgerErrors.BlockBadCommit, Assert.Throws<LedgerException>(() => _chain.Chain.AdoptLastCommit(weak)).Code);
        _chain.Chain.AdoptLastCommit(other);

        Assert.Equal(other.Hash, _chain.Chain.GetCommit(proposed.Block.Header.Height)!.Hash);
        _chain.Reopen();
        Assert.Equal(other.Hash, _chain.Propose().Block.Header.LastCommitHash);
    }
}
