using Pocc.Core.Crypto;
using Pocc.Core.Encoding;
using Pocc.Ledger.State;

namespace Pocc.Ledger.Tests.Consensus;

/// <summary>The validator record with its compute credit and punishment record has one encoding.</summary>
public sealed class ValidatorRecordTests
{
    private static Validator Sample(params EquivocationKey[] punished) =>
        new(new PublicKey(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()), Jailed: true)
        {
            ComputeCredit = 1_234,
            ComputeMark = 99_999,
            Punished = [.. punished],
            JailedAt = 77,
            Benched = true,
        };

    [Fact]
    public void Validator_with_credit_and_punishments_round_trips()
    {
        var validator = Sample(new(2, 0), new(2, 5), new(7, 1));
        var decoded = Validator.Decode(validator.Encode());
        Assert.Equal(validator, decoded);
        Assert.True(decoded.WasPunishedFor(new(2, 5)));
        Assert.False(decoded.WasPunishedFor(new(2, 4)));
    }

    [Fact]
    public void Unsorted_or_repeated_punishments_are_non_canonical()
    {
        foreach (var bad in new[] { Sample(new(7, 1), new(2, 0)), Sample(new(2, 0), new(2, 0)) })
        {
            var error = Assert.Throws<CodecException>(() => Validator.Decode(bad.Encode()));
            Assert.Equal(CodecException.NonCanonical, error.Code);
        }
    }
}
