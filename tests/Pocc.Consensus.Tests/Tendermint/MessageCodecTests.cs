using CsCheck;
using Pocc.Consensus.Tendermint;
using Pocc.Core.Crypto;
using Pocc.Core.Encoding;
using Pocc.Core.Hashing;
using Pocc.Ledger.Blocks;
using Pocc.Ledger.Consensus;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tests.Builders;

namespace Pocc.Consensus.Tests.Tendermint;

public sealed class MessageCodecTests
{
    private static readonly ChainId Chain = new("tm-test");
    private static readonly KeyPair Key = TestKeys.Of("tm-codec");
    private static readonly Signature SomeSignature = Key.Sign("x"u8);

    private static readonly Gen<Hash32> Hashes = Gen.Byte.Array[Hash32.Size].Select(bytes => new Hash32(bytes));

    private static readonly Gen<Vote> Votes =
        Gen.Select(Gen.OneOf(Gen.Const(VoteType.Prevote), Gen.Const(VoteType.Precommit)), Gen.ULong, Gen.Int[0, int.MaxValue], Gen.Bool, Hashes)
            .Select((type, height, round, nil, hash) => new Vote(type, new Height(height), round, nil ? null : hash, Key.Address, SomeSignature));

    private static readonly Gen<Proposal> Proposals =
        Gen.Select(Gen.ULong, Gen.Int[0, int.MaxValue], Hashes, Gen.Int[1, PartSetHeader.MaxTotal], Hashes, Gen.Double[0, 1])
            .Select((height, round, hash, total, root, fraction) =>
                new Proposal(new Height(height), round, hash, new PartSetHeader(total, root), (int)(fraction * round) - 1, Key.Address, SomeSignature));

    // Where the valid round sits in an encoded proposal: after version, height, round, block hash and part set header.
    private const int ValidRoundOffset = 1 + 8 + 4 + Hash32.Size + PartSetHeader.EncodedSize;

    [Fact]
    public void Votes_round_trip_and_reject_trailing_bytes()
    {
        Votes.Sample(vote =>
        {
            var bytes = Canonical.Encode(vote);
            Assert.True(bytes.Length <= Vote.MaxEncodedSize);
            Assert.Equal(vote, Vote.Decode(bytes));
            var longer = bytes.Append((byte)0).ToArray();
            // A nil vote has room under the size limit, so the trailing-byte check is what catches it; a full one is too large.
            Assert.Contains(Assert.Throws<CodecException>(() => Vote.Decode(longer)).Code, new[] { CodecException.TrailingBytes, CodecException.TooLarge });
        });
    }

    [Fact]
    public void Proposals_round_trip_including_the_no_round_sentinel()
    {
        Proposals.Sample(proposal =>
        {
            var bytes = Canonical.Encode(proposal);
            Assert.Equal(Proposal.MaxEncodedSize, bytes.Length);
            Assert.Equal(proposal, Proposal.Decode(bytes));
        });
    }

    [Fact]
    public void No_round_is_encoded_as_all_ones()
    {
        var proposal = new Proposal(new Height(1), 0, Hash32.Zero, new PartSetHeader(1, Hash32.Zero), Proposal.NoRound, Key.Address, SomeSignature);
        var bytes = Canonical.Encode(proposal);
        Assert.Equal([0xFF, 0xFF, 0xFF, 0xFF], bytes[ValidRoundOffset..(ValidRoundOffset + 4)]);
    }

    [Fact]
    public void Proposal_decode_rejects_a_valid_round_not_below_the_round()
    {
        var proposal = new Proposal(new Height(1), 3, Hash32.Zero, new PartSetHeader(1, Hash32.Zero), 2, Key.Address, SomeSignature);
        var bytes = Canonical.Encode(proposal);
        bytes[ValidRoundOffset] = 3;
        Assert.Equal(CodecException.InvalidValue, Assert.Throws<CodecException>(() => Proposal.Decode(bytes)).Code);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData((uint)PartSetHeader.MaxTotal + 1)]
    [InlineData(uint.MaxValue)]
    public void Proposal_decode_rejects_a_part_count_outside_the_largest_block(uint total)
    {
        var proposal = new Proposal(new Height(1), 0, Hash32.Zero, new PartSetHeader(1, Hash32.Zero), Proposal.NoRound, Key.Address, SomeSignature);
        var bytes = Canonical.Encode(proposal);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(1 + 8 + 4 + Hash32.Size), total);
        Assert.Equal(CodecException.InvalidValue, Assert.Throws<CodecException>(() => Proposal.Decode(bytes)).Code);
    }

    [Fact]
    public void Vote_decode_rejects_non_canonical_fields()
    {
        var vote = new Vote(VoteType.Prevote, new Height(1), 0, null, Key.Address, SomeSignature);
        var bytes = Canonical.Encode(vote);

        var badType = (byte[])bytes.Clone();
        badType[1] = 3;
        Assert.Equal(CodecException.InvalidValue, Assert.Throws<CodecException>(() => Vote.Decode(badType)).Code);

        var badBool = (byte[])bytes.Clone();
        badBool[1 + 1 + 8 + 4] = 2;
        Assert.Equal(CodecException.NonCanonical, Assert.Throws<CodecException>(() => Vote.Decode(badBool)).Code);

        var hugeRound = (byte[])bytes.Clone();
        hugeRound[1 + 1 + 8 + 3] = 0x80;
        Assert.Equal(CodecException.InvalidValue, Assert.Throws<CodecException>(() => Vote.Decode(hugeRound)).Code);

        var badVersion = (byte[])bytes.Clone();
        badVersion[0] = 2;
        Assert.Equal(CodecException.UnknownVersion, Assert.Throws<CodecException>(() => Vote.Decode(badVersion)).Code);

        Assert.Equal(CodecException.Truncated, Assert.Throws<CodecException>(() => Vote.Decode(bytes.AsSpan(0, bytes.Length - 1))).Code);
    }

    [Fact]
    public void A_non_nil_precommit_signs_exactly_the_commit_signing_bytes()
    {
        var hash = Blake3Hash.Of("block"u8);
        Assert.Equal(Commit.SigningBytes(Chain, new Height(7), 2, hash), Vote.SigningBytes(Chain, VoteType.Precommit, new Height(7), 2, hash));
    }

    [Fact]
    public void Each_kind_of_message_signs_different_bytes()
    {
        var hash = Blake3Hash.Of("block"u8);
        var height = new Height(7);
        byte[][] all =
        [
            Vote.SigningBytes(Chain, VoteType.Precommit, height, 2, hash),
            Vote.SigningBytes(Chain, VoteType.Precommit, height, 2, null),
            Vote.SigningBytes(Chain, VoteType.Prevote, height, 2, hash),
            Vote.SigningBytes(Chain, VoteType.Prevote, height, 2, null),
            Proposal.SigningBytes(Chain, height, 2, hash, new PartSetHeader(1, hash), Proposal.NoRound),
            Proposal.SigningBytes(Chain, height, 2, hash, new PartSetHeader(1, hash), 1),
            Proposal.SigningBytes(Chain, height, 2, hash, new PartSetHeader(2, hash), 1),
            Proposal.SigningBytes(Chain, height, 2, hash, new PartSetHeader(1, Blake3Hash.Of("parts"u8)), 1),
            Vote.SigningBytes(new ChainId("other"), VoteType.Prevote, height, 2, hash),
        ];
        Assert.Equal(all.Length, all.Select(Convert.ToHexString).Distinct().Count());
    }

    [Fact]
    public void Signed_messages_verify_only_with_the_signers_key_and_chain()
    {
        var other = TestKeys.Of("tm-codec-other");
        var hash = Blake3Hash.Of("block"u8);
        var vote = Vote.Sign(Chain, VoteType.Prevote, new Height(3), 1, hash, Key);
        var proposal = Proposal.Sign(Chain, new Height(3), 1, hash, new PartSetHeader(3, hash), 0, Key);

        Assert.True(vote.Verify(Chain, Key.PublicKey));
        Assert.True(proposal.Verify(Chain, Key.PublicKey));
        Assert.False(vote.Verify(Chain, other.PublicKey));
        Assert.False(vote.Verify(new ChainId("other"), Key.PublicKey));
        Assert.False((vote with { Round = 2 }).Verify(Chain, Key.PublicKey));
        Assert.False((proposal with { ValidRound = Proposal.NoRound }).Verify(Chain, Key.PublicKey));
        Assert.False((proposal with { Parts = proposal.Parts with { Total = 4 } }).Verify(Chain, Key.PublicKey));
        Assert.False((proposal with { Parts = proposal.Parts with { Root = Blake3Hash.Of("other parts"u8) } }).Verify(Chain, Key.PublicKey));
    }
}
