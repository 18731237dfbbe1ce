using CsCheck;
using Pocc.Core.Crypto;
using Pocc.Core.Encoding;
using Pocc.Ledger.State;
using Pocc.Ledger.Tests.Builders;

namespace Pocc.Ledger.Tests.State;

/// <summary>The stored encoding of the head's signer set: it round-trips, and anything else is refused with a codec error.</summary>
public sealed class ValidatorSetCodecTests
{
    private static readonly KeyPair[] Keys = [.. Enumerable.Range(0, 12).Select(i => TestKeys.Of($"set-{i}"))];

    private static readonly Gen<ValidatorSet> Sets =
        Gen.Select(Gen.Int[0, Keys.Length].SelectMany(n => Gen.Shuffle(Keys, n)), Gen.ULong[1, uint.MaxValue].Array[Keys.Length], Gen.ULong[1, 1_000].Array[Keys.Length])
            .Select((keys, powers, weights) => new ValidatorSet([.. keys.Select((k, i) => new ValidatorPower(k.Address, k.PublicKey, powers[i]) { ProposerWeight = weights[i] })
                .OrderBy(m => m.Address)]));

    [Fact]
    public void A_set_round_trips_with_its_powers_and_proposer_weights()
    {
        Sets.Sample(set =>
        {
            var bytes = set.Encode();
            var decoded = ValidatorSet.Decode(bytes);

            Assert.Equal(set.Members, decoded.Members);
            Assert.Equal(set.Members.Select(m => m.ProposerWeight), decoded.Members.Select(m => m.ProposerWeight));
            Assert.Equal(set.TotalPower, decoded.TotalPower);
            Assert.Equal(bytes, decoded.Encode());
        }, iter: 100);
    }

    [Fact]
    public void Truncated_padded_reordered_or_wrong_version_bytes_are_refused()
    {
        var members = Keys.Take(3).Select(k => new ValidatorPower(k.Address, k.PublicKey, 10)).OrderBy(m => m.Address).ToArray();
        var bytes = new ValidatorSet(members).Encode();

        Assert.Throws<CodecException>(() => ValidatorSet.Decode(bytes.AsSpan(..^1)));
        Assert.Throws<CodecException>(() => ValidatorSet.Decode([.. bytes, 0]));
        Assert.Throws<CodecException>(() => ValidatorSet.Decode([(byte)(ValidatorSet.Version + 1), .. bytes[1..]]));
        Assert.Throws<CodecException>(() => ValidatorSet.Decode(new ValidatorSet([members[1], members[0], members[2]]).Encode()));
        Assert.Throws<CodecException>(() => ValidatorSet.Decode(new byte[ValidatorSet.MaxEncodedSize + 1]));
    }
}
