using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tasks;
using Pocc.Ledger.Tests.Builders;
using static Pocc.Ledger.Tests.Builders.TestKeys;

namespace Pocc.Ledger.Tests.Tasks;

public sealed class WorkerStakeTests
{
    private const ulong Stake = TaskTx.DefaultStake;
    private const ulong TxFee = TxBuilder.DefaultFee;

    [Fact]
    public void Adding_stake_moves_tokens_from_the_balance_into_the_worker_stake()
    {
        using var t = TaskChain.Create();
        t.ProduceOk(TaskTx.Register(Alice));
        var balance = t.Balance(Alice);

        t.ProduceOk(TaskTx.AddStake(Alice, 500));

        Assert.Equal(new Amount(Stake + 500), t.Worker(Alice).Stake);
        Assert.Equal(balance - 500 - TxFee, t.Balance(Alice));
        Assert.True(t.Chain.SupplyIsConserved());
    }

    [Fact]
    public void Withdrawn_stake_returns_to_the_balance_after_the_unbonding_period()
    {
        using var t = TaskChain.Create(p => p with { UnbondingPeriodBlocks = 3 });
        t.ProduceOk(TaskTx.Register(Alice));
        var balance = t.Balance(Alice);

        t.ProduceOk(TaskTx.WithdrawStake(Alice, 700));
        Assert.Equal(new Amount(Stake - 700), t.Worker(Alice).Stake);
        var entry = Assert.Single(t.Chain.GetAccount(Alice.Address).Unbonding);
        Assert.Equal(new Amount(700), entry.Amount);
        Assert.Equal(balance - TxFee, t.Balance(Alice));

        t.ProduceEmpty(3);
        Assert.Equal(balance - TxFee + 700, t.Balance(Alice));
        Assert.Empty(t.Chain.GetAccount(Alice.Address).Unbonding);
        Assert.True(t.Chain.SupplyIsConserved());
    }

    [Fact]
    public void A_worker_holding_a_task_cannot_withdraw_stake()
    {
        using var t = TaskChain.Create();
        t.ProduceOk(TaskTx.Register(Alice));
        t.ProduceOk(TaskTx.Post(Dave, Specs.Mod61()));
        Assert.Equal(TaskState.Assigned, t.Task(1).State);

        TaskRefusal.AssertRefused(t, [], TaskTx.WithdrawStake(Alice, 1), LedgerErrors.TaskWrongState, LedgerErrors.TaskWrongState);
    }

    [Fact]
    public void Withdrawing_more_than_the_stake_or_from_a_non_worker_is_refused()
    {
        using var t = TaskChain.Create();
        t.ProduceOk(TaskTx.Register(Alice));

        TaskRefusal.AssertRefused(t, [], TaskTx.WithdrawStake(Alice, Stake + 1), LedgerErrors.InsufficientStake, LedgerErrors.InsufficientStake);
        TaskRefusal.AssertRefused(t, [], TaskTx.WithdrawStake(Bob, 1), LedgerErrors.WorkerNotFound, LedgerErrors.WorkerNotFound);
        TaskRefusal.AssertRefused(t, [], TaskTx.AddStake(Bob, 1), LedgerErrors.WorkerNotFound, LedgerErrors.WorkerNotFound);
        TaskRefusal.AssertRefused(t, [], TaskTx.AddStake(Alice, 0), LedgerErrors.ZeroAmount, LedgerErrors.ZeroAmount);
    }
}
