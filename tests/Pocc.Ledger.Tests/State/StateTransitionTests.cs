using Pocc.Ledger.Primitives;
using Pocc.Ledger.State;
using Pocc.Ledger.Tests.Builders;
using static Pocc.Ledger.Tests.Builders.TestKeys;

namespace Pocc.Ledger.Tests.State;

/// <summary>The state transition on its own, over the in-memory genesis state.</summary>
public sealed class StateTransitionTests
{
    public static TheoryData<string> Refusals => Refusal.Names;

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Refused_transaction_throws_its_code_and_leaves_the_changes_as_they_were(string name)
    {
        var refusal = Refusal.Get(name);
        var genesis = Refusal.Genesis().Build();
        var state = genesis.BuildState();
        var transition = new StateTransition(genesis.GetChainId(), genesis.GetParameters());
        var changes = state.BeginChanges();
        var height = new Height(1);
        transition.BeginBlock(changes, height);
        foreach (var tx in refusal.Prelude)
        {
            transition.Apply(changes, tx, height);
        }
        var rootBefore = state.PreviewRoot(changes);
        var changedBefore = changes.ChangedAccounts.ToDictionary(kv => kv.Key, kv => Convert.ToHexString(kv.Value.Encode()));

        var error = Assert.Throws<LedgerException>(() => transition.Apply(changes, refusal.Transaction, height));

        Assert.Equal(refusal.Code, error.Code);
        Assert.Equal(rootBefore, state.PreviewRoot(changes));
        Assert.Equal(changedBefore, changes.ChangedAccounts.ToDictionary(kv => kv.Key, kv => Convert.ToHexString(kv.Value.Encode())));
    }

    [Fact]
    public void Preview_root_does_not_change_the_state()
    {
        var genesis = GenesisBuilder.Default().Build();
        var state = genesis.BuildState();
        var root = state.Root;
        var transition = new StateTransition(genesis.GetChainId(), genesis.GetParameters());
        var changes = state.BeginChanges();
        transition.Apply(changes, Tx.Transfer(Alice, Bob, 5).Signed(), new Height(1));

        Assert.NotEqual(root, state.PreviewRoot(changes));
        Assert.Equal(root, state.Root);
        Assert.Equal(GenesisBuilder.DefaultBalance, state.GetAccount(Alice.Address).Balance.Value);
    }

    [Fact]
    public void Fee_burn_rounds_down()
    {
        var parameters = new ChainParameters { FeeBurnBasisPoints = 5_000 };
        Assert.Equal(new Amount(1), parameters.FeeBurn(new Amount(3)));
        Assert.Equal(new Amount(0), parameters.FeeBurn(new Amount(1)));
        Assert.Equal(new Amount(ulong.MaxValue / 2), parameters.FeeBurn(new Amount(ulong.MaxValue)));
    }
}
