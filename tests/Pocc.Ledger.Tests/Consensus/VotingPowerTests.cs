using CsCheck;
using Pocc.Ledger.Consensus;
using Pocc.Ledger.State;

namespace Pocc.Ledger.Tests.Consensus;

/// <summary>Properties of <see cref="VotingPower.Of(ulong, ulong, ulong, ulong)"/>: monotone, capped, bounded, deterministic.</summary>
public sealed class VotingPowerTests
{
    private static readonly Gen<ulong> Stakes = Gen.Frequency((3, Gen.ULong[0, 1UL << 50]), (1, Gen.ULong));
    private static readonly Gen<ulong> Compute = Gen.Frequency((3, Gen.ULong[0, 1UL << 40]), (1, Gen.ULong));
    private static readonly Gen<ulong> UnitsPerPower = Gen.ULong[1, 1_000_000];
    private static readonly Gen<ulong> CapBasisPoints = Gen.ULong[0, 10_000];

    [Fact]
    public void Power_is_monotone_in_stake_and_in_compute()
    {
        Gen.Select(Stakes, Stakes, Compute, Compute, UnitsPerPower, CapBasisPoints).Sample((s1, s2, c1, c2, units, cap) =>
        {
            var (sLow, sHigh) = (Math.Min(s1, s2), Math.Max(s1, s2));
            var (cLow, cHigh) = (Math.Min(c1, c2), Math.Max(c1, c2));
            Assert.True(VotingPower.Of(sLow, cLow, units, cap) <= VotingPower.Of(sHigh, cLow, units, cap));
            Assert.True(VotingPower.Of(sLow, cLow, units, cap) <= VotingPower.Of(sLow, cHigh, units, cap));
        }, iter: 2_000);
    }

    [Fact]
    public void Compute_adds_at_most_the_cap_share_of_stake_and_nothing_without_stake()
    {
        Gen.Select(Stakes, Compute, UnitsPerPower, CapBasisPoints).Sample((stake, compute, units, cap) =>
        {
            ulong power = VotingPower.Of(stake, compute, units, cap);
            Assert.True(power >= stake);
            UInt128 bonus = (UInt128)power - stake;
            Assert.True(bonus <= (UInt128)stake * cap / 10_000);
            Assert.True(bonus <= compute / units);
            Assert.True(bonus <= stake);
            Assert.Equal(0UL, VotingPower.Of(0, compute, units, cap));
        }, iter: 2_000);
    }

    [Fact]
    public void Power_is_stake_when_there_is_no_compute()
    {
        Gen.Select(Stakes, UnitsPerPower, CapBasisPoints).Sample((stake, units, cap) =>
            Assert.Equal(stake, VotingPower.Of(stake, 0, units, cap)), iter: 500);
    }

    [Fact]
    public void Total_power_fits_in_u64_while_total_stake_is_at_most_half_of_it()
    {
        // Genesis keeps its supply under u64/2 and minting adds 10^6 a block, so bonded stake never reaches 2^63.
        var validators = Gen.Select(Gen.ULong[0, 1UL << 56], Gen.ULong).Array[1, 100];
        Gen.Select(validators, UnitsPerPower, CapBasisPoints).Sample((members, units, cap) =>
        {
            UInt128 total = 0;
            foreach (var (stake, compute) in members)
            {
                total += VotingPower.Of(stake, compute, units, cap);
            }
            Assert.True(total <= ulong.MaxValue);
            _ = new ValidatorSet([.. members.Select((m, i) => new ValidatorPower(Address(i), Key(i), VotingPower.Of(m.Item1, m.Item2, units, cap)))]);
        }, iter: 500);
    }

    [Fact]
    public void Byzantine_stake_below_one_over_three_plus_twice_the_cap_keeps_byzantine_power_below_a_third()
    {
        // Worst case: every Byzantine validator earns the full compute bonus and no honest one earns any.
        var members = Gen.Select(Gen.ULong[1, 1UL << 40], Gen.ULong, Gen.Bool).Array[2, 30];
        Gen.Select(members, UnitsPerPower, CapBasisPoints).Sample((validators, units, cap) =>
        {
            UInt128 byzantineStake = 0, totalStake = 0, byzantinePower = 0, totalPower = 0;
            foreach (var (stake, compute, byzantine) in validators)
            {
                ulong power = VotingPower.Of(stake, byzantine ? compute : 0, units, cap);
                totalStake += stake;
                totalPower += power;
                if (byzantine)
                {
                    byzantineStake += stake;
                    byzantinePower += power;
                }
            }
            // β < 1 / (3 + 2c) with c = cap / 10000, in integers.
            if (byzantineStake * (30_000 + 2 * (UInt128)cap) < totalStake * 10_000)
            {
                Assert.True(byzantinePower * 3 < totalPower);
            }
        }, iter: 2_000);
    }

    [Fact]
    public void Power_is_deterministic()
    {
        Gen.Select(Stakes, Compute, UnitsPerPower, CapBasisPoints).Sample((stake, compute, units, cap) =>
            Assert.Equal(VotingPower.Of(stake, compute, units, cap), VotingPower.Of(stake, compute, units, cap)), iter: 200);
    }

    private static Core.Addressing.Address Address(int i)
    {
        var bytes = new byte[Core.Addressing.Address.Size];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes, i);
        return new Core.Addressing.Address(bytes);
    }

    private static Core.Crypto.PublicKey Key(int i)
    {
        var bytes = new byte[Core.Crypto.PublicKey.Size];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes, i);
        return new Core.Crypto.PublicKey(bytes);
    }
}
