using Pocc.Ledger.Tasks;
using Pocc.Ledger.Tests.Builders;
using static Pocc.Ledger.Tests.Builders.TestKeys;

namespace Pocc.Ledger.Tests.Consensus;

/// <summary>
/// Compute verified by a validator's own worker (registered under the validator's address) raises its voting power
/// for the next epoch only, within the cap, fixed at the epoch boundary.
/// </summary>
public sealed class EpochPowerTests
{
    private const ulong Stake = GenesisBuilder.DefaultValidatorStake;

    /// <summary>Blocks 1–4: the validator registers as a worker, dave posts a 10×10×10 product, the validator commits and verifies it.</summary>
    private static void SettleOwnTask(TaskChain t)
    {
        var spec = Specs.Mod61(10, 10, 10);
        t.ProduceOk(TaskTx.Register(t.Validator));
        t.ProduceOk(TaskTx.Post(Dave, spec));
        Assert.Equal(t.Validator.Address, t.Task(1).Worker);
        t.ProduceOk(TaskTx.Commit(t.Validator, 1, Specs.Result(spec)));
        t.ProduceOk(TaskTx.Verdict(t.Validator, 1, TaskOutcome.Verified));
        Assert.Equal(2UL * 10 * 10 * 10, t.Worker(t.Validator).VerifiedComputeUnits);
    }

    private static ulong Power(TaskChain t) =>
        t.Chain.GetValidatorSet().TryGet(t.Validator.Address, out var member) ? member.Power : 0;

    [Fact]
    public void Compute_of_an_epoch_adds_power_for_the_next_epoch_only()
    {
        using var t = TaskChain.Create(p => p with { EpochLengthBlocks = 5, ComputeUnitsPerPower = 10 });
        SettleOwnTask(t);
        Assert.Equal(Stake, Power(t));   // block 4: still the epoch in which the compute was done

        t.ProduceOk();                   // block 5 closes the epoch
        Assert.Equal(Stake + 2_000 / 10, Power(t));
        Assert.Equal(2_000UL, t.Chain.GetValidator(t.Validator.Address)!.ComputeCredit);
        Assert.True(t.Chain.GetValidatorSet().TryGet(t.Validator.Address, out var member));
        Assert.Equal(1 + 2_000UL / 10, member.ProposerWeight);

        t.ProduceEmpty(4);
        Assert.Equal(Stake + 2_000 / 10, Power(t));   // block 9: unchanged within the epoch
        t.ProduceOk();                                 // block 10: an epoch without compute
        Assert.Equal(Stake, Power(t));
    }

    [Fact]
    public void Compute_power_is_capped_by_a_share_of_the_stake()
    {
        using var t = TaskChain.Create(p => p with { EpochLengthBlocks = 5, ComputeUnitsPerPower = 1, ComputePowerCapBasisPoints = 1 });
        SettleOwnTask(t);
        t.ProduceOk();
        Assert.Equal(Stake + Stake / 10_000, Power(t));
    }

    [Fact]
    public void Compute_of_a_worker_that_is_not_a_validator_gives_no_power()
    {
        using var t = TaskChain.Create(p => p with { EpochLengthBlocks = 4, ComputeUnitsPerPower = 1 });
        var spec = Specs.Mod61();
        t.ProduceOk(TaskTx.Register(Alice));
        t.ProduceOk(TaskTx.Post(Dave, spec));
        t.ProduceOk(TaskTx.Commit(Alice, 1, Specs.Result(spec)));
        t.ProduceOk(TaskTx.Verdict(t.Validator, 1, TaskOutcome.Verified));
        Assert.Equal(Stake, Power(t));
        Assert.False(t.Chain.GetValidatorSet().Contains(Alice.Address));
    }

    [Fact]
    public void Epoch_powers_survive_a_restart_and_replay()
    {
        using var t = TaskChain.Create(p => p with { EpochLengthBlocks = 5, ComputeUnitsPerPower = 10 });
        SettleOwnTask(t);
        t.ProduceOk();
        ulong power = Power(t);
        using var replica = t.Test.Replica();
        foreach (var (block, commit) in t.Test.CommittedBlocks())
        {
            replica.Chain.Apply(block, commit);
        }
        t.Test.Reopen();

        Assert.Equal(power, Power(t));
        Assert.Equal(t.Chain.StateRoot, replica.Chain.StateRoot);
        Assert.True(replica.Chain.GetValidatorSet().TryGet(t.Validator.Address, out var member));
        Assert.Equal(power, member.Power);
    }
}
