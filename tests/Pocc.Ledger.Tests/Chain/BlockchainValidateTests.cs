using Pocc.Core.Hashing;
using Pocc.Ledger.Tests.Builders;
using static Pocc.Ledger.Tests.Builders.TestKeys;

namespace Pocc.Ledger.Tests.Chain;

/// <summary>Validate answers as Apply would, before any commit exists, and changes nothing either way.</summary>
public sealed class BlockchainValidateTests : IDisposable
{
    private readonly TestChain _producer = TestChain.Create();
    private readonly TestChain _replica;

    public BlockchainValidateTests() => _replica = _producer.Replica();

    public void Dispose()
    {
        _producer.Dispose();
        _replica.Dispose();
    }

    [Fact]
    public void Accepts_a_proposed_block_without_a_commit_and_leaves_the_chain_as_it_was()
    {
        var proposed = _producer.Propose(Tx.Transfer(Alice, Bob, 100).Signed());
        var before = ChainSnapshot.Of(_replica.Chain);

        var validation = _replica.Chain.Validate(proposed.Block);

        Assert.True(validation.IsValid);
        Assert.Equal(before, ChainSnapshot.Of(_replica.Chain));
        _replica.Chain.Apply(proposed.Block, _producer.SignCommit(proposed.Block));
    }

    [Fact]
    public void Refuses_a_wrong_state_root_with_Applys_code()
    {
        var proposed = _producer.Propose(Tx.Transfer(Alice, Bob, 100).Signed());
        var tampered = Tamper.Header(proposed.Block, h => Tamper.Header(h, stateRoot: Blake3Hash.Of("wrong"u8)));
        var before = ChainSnapshot.Of(_replica.Chain);

        var validation = _replica.Chain.Validate(tampered);

        Assert.False(validation.IsValid);
        Assert.Equal(LedgerErrors.BlockWrongStateRoot, validation.Code);
        Assert.Equal(before, ChainSnapshot.Of(_replica.Chain));
    }

    [Fact]
    public void Refuses_a_block_for_the_wrong_height()
    {
        _producer.Produce();
        var second = _producer.Propose();

        Assert.Equal(LedgerErrors.BlockWrongHeight, _replica.Chain.Validate(second.Block).Code);
    }

    [Fact]
    public void Commits_a_validated_block_to_the_state_its_proposer_commits()
    {
        var proposed = _producer.Propose(Tx.Transfer(Alice, Bob, 100).Signed(), Tx.Transfer(Bob, Carol, 7).Signed());
        var commit = _producer.SignCommit(proposed.Block);
        Assert.True(_replica.Chain.Validate(proposed.Block).IsValid);

        _replica.Chain.Apply(proposed.Block, commit);
        _producer.Chain.Commit(proposed, commit);

        Assert.Equal(ChainSnapshot.Of(_producer.Chain), ChainSnapshot.Of(_replica.Chain));
    }

    [Fact]
    public void Refuses_a_validated_block_whose_commit_lacks_power_and_changes_nothing()
    {
        var proposed = _producer.Propose(Tx.Transfer(Alice, Bob, 100).Signed());
        Assert.True(_replica.Chain.Validate(proposed.Block).IsValid);
        var before = ChainSnapshot.Of(_replica.Chain);

        var refusal = Assert.Throws<LedgerException>(() => _replica.Chain.Apply(proposed.Block, _producer.SignCommit(proposed.Block, signers: [])));

        Assert.Equal(LedgerErrors.BlockBadCommit, refusal.Code);
        Assert.Equal(before, ChainSnapshot.Of(_replica.Chain));
    }

    [Fact]
    public void Refuses_a_block_validated_on_a_head_that_has_since_moved()
    {
        var first = _producer.Propose(Tx.Transfer(Alice, Bob, 100).Signed());
        Assert.True(_replica.Chain.Validate(first.Block).IsValid);
        var firstCommit = _producer.SignCommit(first.Block);
        _replica.Chain.Apply(first.Block, firstCommit);

        var refusal = Assert.Throws<LedgerException>(() => _replica.Chain.Apply(first.Block, firstCommit));

        Assert.Equal(LedgerErrors.BlockWrongHeight, refusal.Code);
    }
}
