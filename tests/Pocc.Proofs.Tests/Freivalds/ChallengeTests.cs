using Pocc.Core.Numerics;
using Pocc.Proofs.Freivalds;

namespace Pocc.Proofs.Tests.Freivalds;

public class ChallengeTests
{
    [Theory]
    [InlineData(FreivaldsChallenge.UniformField)]
    [InlineData(FreivaldsChallenge.Binary)]
    [InlineData(FreivaldsChallenge.Sign)]
    public void The_same_seed_gives_the_same_challenges(FreivaldsChallenge kind)
    {
        var first = new ulong[500];
        var second = new ulong[500];

        FreivaldsChallenges.DeriveMod61(Products.Seed(1), kind, 3, first);
        FreivaldsChallenges.DeriveMod61(Products.Seed(1), kind, 3, second);

        Assert.Equal(first, second);
    }

    [Theory]
    [InlineData(FreivaldsChallenge.UniformField)]
    [InlineData(FreivaldsChallenge.Binary)]
    [InlineData(FreivaldsChallenge.Sign)]
    public void Different_seeds_or_rounds_give_different_challenges(FreivaldsChallenge kind)
    {
        var baseline = new ulong[500];
        var otherSeed = new ulong[500];
        var otherRound = new ulong[500];

        FreivaldsChallenges.DeriveMod61(Products.Seed(1), kind, 0, baseline);
        FreivaldsChallenges.DeriveMod61(Products.Seed(2), kind, 0, otherSeed);
        FreivaldsChallenges.DeriveMod61(Products.Seed(1), kind, 1, otherRound);

        Assert.NotEqual(baseline, otherSeed);
        Assert.NotEqual(baseline, otherRound);
    }

    [Fact]
    public void Challenge_entries_have_the_stated_distribution()
    {
        var uniform = new ulong[4000];
        var binary = new ulong[4000];
        var sign = new double[4000];

        FreivaldsChallenges.DeriveMod61(Products.Seed(5), FreivaldsChallenge.UniformField, 0, uniform);
        FreivaldsChallenges.DeriveMod61(Products.Seed(5), FreivaldsChallenge.Binary, 0, binary);
        FreivaldsChallenges.DeriveFloat64(Products.Seed(5), FreivaldsChallenge.Sign, 0, sign);

        Assert.All(uniform, v => Assert.True(v < Mod61.P));
        Assert.InRange(uniform.Count(v => v > Mod61.P / 2), 1800, 2200);
        Assert.All(binary, v => Assert.True(v <= 1));
        Assert.InRange(binary.Count(v => v == 1), 1800, 2200);
        Assert.All(sign, v => Assert.True(v is 1.0 or -1.0));
        Assert.InRange(sign.Count(v => v > 0), 1800, 2200);
    }

    [Fact]
    public void Float64_sign_and_mod61_sign_challenges_agree()
    {
        var asField = new ulong[300];
        var asDouble = new double[300];

        FreivaldsChallenges.DeriveMod61(Products.Seed(6), FreivaldsChallenge.Sign, 2, asField);
        FreivaldsChallenges.DeriveFloat64(Products.Seed(6), FreivaldsChallenge.Sign, 2, asDouble);

        Assert.Equal(asDouble.Select(d => d > 0 ? 1UL : Mod61.P - 1), asField);
    }

    [Fact]
    public void Challenges_are_pinned_to_the_documented_derivation()
    {
        // derive-key("pocc/freivalds/v1") over seed ‖ u8 kind ‖ u32 round, read as little-endian words.
        var seed = Products.Seed(7);
        var material = new byte[37];
        seed.CopyTo(material);
        material[32] = (byte)FreivaldsChallenge.UniformField;
        BitConverter.GetBytes(4u).CopyTo(material, 33);
        using var hasher = Blake3.Hasher.NewDeriveKey("pocc/freivalds/v1");
        hasher.Update(material);
        var word = new byte[8];
        hasher.Finalize(word);
        var challenge = new ulong[1];

        FreivaldsChallenges.DeriveMod61(seed, FreivaldsChallenge.UniformField, 4, challenge);

        Assert.Equal(BitConverter.ToUInt64(word) & Mod61.P, challenge[0]);
    }

    [Fact]
    public void Seeds_bind_the_randomness_and_the_task()
    {
        var beacon = Products.Seed(1);

        Assert.Equal(FreivaldsChallenges.DeriveSeed(beacon, [1, 2]), FreivaldsChallenges.DeriveSeed(beacon, [1, 2]));
        Assert.NotEqual(FreivaldsChallenges.DeriveSeed(beacon, [1, 2]), FreivaldsChallenges.DeriveSeed(beacon, [1, 3]));
        Assert.NotEqual(FreivaldsChallenges.DeriveSeed(beacon, [1, 2]), FreivaldsChallenges.DeriveSeed(Products.Seed(2), [1, 2]));
    }

    [Fact]
    public void Uniform_field_challenges_have_no_float64_form() =>
        Assert.Throws<ArgumentException>(() => FreivaldsChallenges.DeriveFloat64(Products.Seed(1), FreivaldsChallenge.UniformField, 0, new double[3]));
}
