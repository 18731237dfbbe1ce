using CsCheck;
using Pocc.Core.Crypto;
using Pocc.Core.Encoding;
using Pocc.Core.Hashing;
using Pocc.Ledger.Consensus;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tests.Builders;
using Pocc.Ledger.Transactions;

namespace Pocc.Ledger.Tests.Consensus;

/// <summary>Valid evidence round-trips through its encoding, and no single changed byte yields evidence the ledger accepts.</summary>
public sealed class EvidenceCodecTests
{
    private static readonly KeyPair[] Keys = [TestKeys.Of("byzantine"), TestKeys.Of("validator"), TestKeys.Of("equivocator")];

    private static readonly Gen<Hash32?> Values = Gen.Frequency(
        (4, Gen.Byte.Array[Hash32.Size].Select(bytes => (Hash32?)new Hash32(bytes))),
        (1, Gen.Const((Hash32?)null)));

    /// <summary>Valid, signed evidence: one of a few keys, any type, height ≥ 1, round, and two different values.</summary>
    private static readonly Gen<(KeyPair Key, DuplicateVoteEvidence Evidence)> ValidEvidence =
        Gen.Select(Gen.Int[0, Keys.Length - 1], Gen.OneOf(Gen.Const(VoteType.Prevote), Gen.Const(VoteType.Precommit)),
                Gen.ULong[1, ulong.MaxValue], Gen.Int[0, int.MaxValue], Values, Values)
            .Where(x => x.Item5 != x.Item6)
            .Select(x =>
            {
                var key = Keys[x.Item1];
                var chain = Equivocation.TestChainId;
                var evidence = new DuplicateVoteEvidence(
                    Vote.Sign(chain, x.Item2, new Height(x.Item3), x.Item4, x.Item5, key),
                    Vote.Sign(chain, x.Item2, new Height(x.Item3), x.Item4, x.Item6, key));
                return (key, evidence);
            });

    /// <summary>What the ledger checks without state, plus the signatures under the key the state records for the validator.</summary>
    private static bool Accepted(DuplicateVoteEvidence evidence, KeyPair key)
    {
        try
        {
            EvidenceRules.CheckShape(evidence);
        }
        catch (LedgerException)
        {
            return false;
        }
        return evidence.Verify(Equivocation.TestChainId, key.PublicKey);
    }

    [Fact]
    public void Valid_evidence_verifies_and_round_trips()
    {
        ValidEvidence.Sample(sample =>
        {
            Assert.True(Accepted(sample.Evidence, sample.Key));
            byte[] bytes = Canonical.Encode(sample.Evidence);
            var decoded = DuplicateVoteEvidence.Decode(bytes);
            Assert.Equal(sample.Evidence, decoded);
            Assert.Equal(bytes, Canonical.Encode(decoded));
        }, iter: 100);
    }

    [Fact]
    public void Evidence_transaction_round_trips()
    {
        ValidEvidence.Sample(sample =>
        {
            var tx = Equivocation.Submit(TestKeys.Alice, sample.Evidence).WithNonce(7).Signed();
            var decoded = SignedTransaction.Decode(tx.Encoded);
            Assert.Equal(tx.Transaction, decoded.Transaction);
            Assert.True(decoded.VerifySignature());
            Assert.Equal(TransactionKind.SubmitEvidence, decoded.Transaction.Payload.Kind);
        }, iter: 50);
    }

    [Fact]
    public void Any_single_changed_byte_fails_decoding_or_verification()
    {
        Gen.Select(ValidEvidence, Gen.Int[0, int.MaxValue], Gen.Byte[1, 255]).Sample((sample, position, mask) =>
        {
            byte[] bytes = Canonical.Encode(sample.Evidence);
            bytes[position % bytes.Length] ^= mask;
            DuplicateVoteEvidence changed;
            try
            {
                changed = DuplicateVoteEvidence.Decode(bytes);
            }
            catch (CodecException)
            {
                return;
            }
            Assert.False(Accepted(changed, sample.Key), $"byte {position % bytes.Length} ^ {mask} still verifies");
        }, iter: 1_000);
    }

    [Fact]
    public void Every_byte_of_one_evidence_is_covered()
    {
        var (key, evidence) = (Keys[0], Equivocation.Of(Keys[0], 42, 3, VoteType.Precommit));
        byte[] original = Canonical.Encode(evidence);
        for (int i = 0; i < original.Length; i++)
        {
            byte[] bytes = (byte[])original.Clone();
            bytes[i] ^= 0x01;
            DuplicateVoteEvidence changed;
            try
            {
                changed = DuplicateVoteEvidence.Decode(bytes);
            }
            catch (CodecException)
            {
                continue;
            }
            Assert.False(Accepted(changed, key), $"byte {i} flipped still verifies");
        }
    }
}
