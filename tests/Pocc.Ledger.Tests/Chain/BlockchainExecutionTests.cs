using Pocc.Ledger.Primitives;
using Pocc.Ledger.State;
using Pocc.Ledger.Tests.Builders;
using static Pocc.Ledger.Tests.Builders.TestKeys;

namespace Pocc.Ledger.Tests.Chain;

/// <summary>What valid transactions do to accounts, stake and supply when their block commits.</summary>
public sealed class BlockchainExecutionTests
{
    private const ulong Balance = GenesisBuilder.DefaultBalance;
    private static readonly ulong Reward = new ChainParameters().BlockReward.Value;

    [Fact]
    public void Transfer_moves_the_amount_and_charges_the_fee()
    {
        using var t = TestChain.Create();
        t.Produce(Tx.Transfer(Alice, Bob, 100).WithFee(10).Signed());

        var alice = t.Chain.GetAccount(Alice.Address);
        Assert.Equal(Balance - 110, alice.Balance.Value);
        Assert.Equal(1UL, alice.Nonce);
        Assert.Equal(Balance + 100, t.Chain.GetAccount(Bob.Address).Balance.Value);
        Assert.Equal(0UL, t.Chain.GetAccount(Bob.Address).Nonce);
    }

    [Fact]
    public void Transfer_to_a_new_address_creates_its_account()
    {
        using var t = TestChain.Create();
        var stranger = Of("stranger").Address;
        int before = t.Chain.AccountCount;

        t.Produce(Tx.Transfer(Alice, stranger, 42).Signed());

        Assert.Equal(42UL, t.Chain.GetAccount(stranger).Balance.Value);
        Assert.Equal(before + 1, t.Chain.AccountCount);
    }

    [Fact]
    public void Consecutive_nonces_of_one_sender_all_run_in_one_block()
    {
        using var t = TestChain.Create();
        var produced = t.Produce([.. Enumerable.Range(0, 5).Select(n => Tx.Transfer(Alice, Bob, 1).WithNonce((ulong)n).Signed())]);

        Assert.Equal(5, produced.Block.Transactions.Count);
        Assert.Equal(5UL, t.Chain.GetAccount(Alice.Address).Nonce);
        Assert.Equal(Balance - 5 * (1 + TxBuilder.DefaultFee), t.Chain.GetAccount(Alice.Address).Balance.Value);
    }

    [Fact]
    public void Bond_moves_balance_into_stake()
    {
        using var t = TestChain.Create();
        t.Produce(Tx.Bond(Alice, 1_000).Signed());

        var alice = t.Chain.GetAccount(Alice.Address);
        Assert.Equal(Balance - 1_000 - TxBuilder.DefaultFee, alice.Balance.Value);
        Assert.Equal(1_000UL, alice.Bonded.Value);
        Assert.Equal(Balance - TxBuilder.DefaultFee, alice.Holdings.Value);
    }

    [Fact]
    public void Validator_bonding_more_gains_voting_power()
    {
        using var t = TestChain.Create();
        t.Produce(); // the reward gives the validator a balance to bond from
        t.Produce(Tx.Bond(ValidatorKey, 500_000).Signed());

        var member = Assert.Single(t.Chain.GetValidatorSet().Members);
        Assert.Equal(GenesisBuilder.DefaultValidatorStake + 500_000, member.Power);
    }

    [Fact]
    public void Unbonded_stake_returns_to_the_balance_at_the_release_height_and_not_before()
    {
        const ulong period = 3;
        using var t = TestChain.Create(GenesisBuilder.Default().WithParameters(p => p with { UnbondingPeriodBlocks = period }));
        t.Produce(Tx.Bond(Alice, 1_000).WithNonce(0).Signed());
        var unbondBlock = t.Produce(Tx.Unbond(Alice, 400).WithNonce(1).Signed()).Block.Header.Height;
        var release = new Height(unbondBlock.Value + period);

        var afterUnbond = t.Chain.GetAccount(Alice.Address);
        Assert.Equal(600UL, afterUnbond.Bonded.Value);
        Assert.Equal([new UnbondingEntry(new Amount(400), release)], afterUnbond.Unbonding.ToArray());
        ulong balanceWhileUnbonding = afterUnbond.Balance.Value;

        while (t.Chain.Height.Next < release)
        {
            t.Produce();
            Assert.Equal(balanceWhileUnbonding, t.Chain.GetAccount(Alice.Address).Balance.Value);
            Assert.Single(t.Chain.GetAccount(Alice.Address).Unbonding);
        }

        t.Produce();
        Assert.Equal(release, t.Chain.Height);
        var released = t.Chain.GetAccount(Alice.Address);
        Assert.Equal(balanceWhileUnbonding + 400, released.Balance.Value);
        Assert.Empty(released.Unbonding);
        Assert.Equal(600UL, released.Bonded.Value);
        Assert.Equal(Balance - 2 * TxBuilder.DefaultFee, released.Holdings.Value);
        Assert.True(t.Chain.SupplyIsConserved());
    }

    [Fact]
    public void Unbondings_from_different_blocks_are_released_at_their_own_heights()
    {
        using var t = TestChain.Create(GenesisBuilder.Default().WithParameters(p => p with { UnbondingPeriodBlocks = 2 }));
        t.Produce(Tx.Bond(Alice, 100).WithNonce(0).Signed());                          // height 1
        t.Produce(Tx.Unbond(Alice, 10).WithNonce(1).Signed());                         // height 2, releases at 4
        t.Produce(Tx.Unbond(Alice, 20).WithNonce(2).Signed());                         // height 3, releases at 5
        ulong balance = t.Chain.GetAccount(Alice.Address).Balance.Value;

        t.Produce();                                                                   // height 4
        Assert.Equal(balance + 10, t.Chain.GetAccount(Alice.Address).Balance.Value);
        Assert.Equal([new UnbondingEntry(new Amount(20), new Height(5))], t.Chain.GetAccount(Alice.Address).Unbonding.ToArray());

        t.Produce();                                                                   // height 5
        Assert.Equal(balance + 30, t.Chain.GetAccount(Alice.Address).Balance.Value);
        Assert.Empty(t.Chain.GetAccount(Alice.Address).Unbonding);
    }

    [Fact]
    public void Proposer_receives_the_fees_less_the_burn_plus_the_block_reward()
    {
        using var t = TestChain.Create();
        var validatorBefore = t.Chain.GetAccount(ValidatorKey.Address).Balance.Value;
        var supplyBefore = t.Chain.Supply;

        // 7 + 8 = 15 in fees; half is burned, rounded down: 7 burned, 8 to the proposer.
        t.Produce(Tx.Transfer(Alice, Bob, 1).WithFee(7).Signed(), Tx.Transfer(Bob, Carol, 1).WithFee(8).Signed());

        Assert.Equal(validatorBefore + 8 + Reward, t.Chain.GetAccount(ValidatorKey.Address).Balance.Value);
        var supply = t.Chain.Supply;
        Assert.Equal(supplyBefore.Genesis, supply.Genesis);
        Assert.Equal(Reward, supply.Minted.Value);
        Assert.Equal(7UL, supply.Burned.Value);
        Assert.Equal(supplyBefore.Total.Value + Reward - 7, supply.Total.Value);
        Assert.True(t.Chain.SupplyIsConserved());
    }

    [Fact]
    public void An_empty_block_mints_the_reward_and_burns_nothing()
    {
        using var t = TestChain.Create();
        t.ProduceEmpty(3);

        Assert.Equal(3 * Reward, t.Chain.Supply.Minted.Value);
        Assert.Equal(0UL, t.Chain.Supply.Burned.Value);
        Assert.Equal(3 * Reward, t.Chain.GetAccount(ValidatorKey.Address).Balance.Value);
        Assert.True(t.Chain.SupplyIsConserved());
    }

    [Fact]
    public void Proposal_stops_at_the_transaction_limit_and_leaves_the_rest_for_later()
    {
        using var t = TestChain.Create(GenesisBuilder.Default().WithParameters(p => p with { MaxBlockTransactions = 2 }));
        var txs = Enumerable.Range(0, 3).Select(n => Tx.Transfer(Alice, Bob, 1).WithNonce((ulong)n).Signed()).ToArray();

        var produced = t.Produce(txs);

        Assert.Equal([txs[0].Hash, txs[1].Hash], produced.Block.Transactions.Select(tx => tx.Hash));
        Assert.Empty(produced.Rejected);
        Assert.Equal(txs[2].Hash, Assert.Single(t.Produce(txs[2]).Block.Transactions).Hash);
    }

    [Fact]
    public void Block_over_the_transaction_limit_is_refused()
    {
        using var t = TestChain.Create(GenesisBuilder.Default().WithParameters(p => p with { MaxBlockTransactions = 2 }));
        var txs = Enumerable.Range(0, 3).Select(n => Tx.Transfer(Alice, Bob, 1).WithNonce((ulong)n).Signed()).ToArray();
        var proposed = t.Propose(txs);
        var oversized = Tamper.Transactions(proposed.Block, txs);
        var before = ChainSnapshot.Of(t.Chain);

        var error = Assert.Throws<LedgerException>(() => t.Chain.Apply(oversized, t.SignCommit(oversized)));

        Assert.Equal(LedgerErrors.BlockInvalid, error.Code);
        Assert.Equal(before, ChainSnapshot.Of(t.Chain));
    }

    [Fact]
    public void Genesis_supply_is_every_balance_and_bond()
    {
        using var t = TestChain.Create();
        ulong expected = 4 * Balance + GenesisBuilder.DefaultValidatorStake;
        Assert.Equal(expected, t.Chain.Supply.Genesis.Value);
        Assert.Equal(expected, t.Chain.Supply.Total.Value);
        Assert.True(t.Chain.SupplyIsConserved());
    }
}
