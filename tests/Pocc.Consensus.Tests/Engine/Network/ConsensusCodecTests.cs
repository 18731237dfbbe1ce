using System.Buffers.Binary;
using Pocc.Consensus.Engine.Bft;
using Pocc.Consensus.Engine.Bft.Network;
using Pocc.Consensus.Tendermint;
using Pocc.Core.Encoding;
using Pocc.Core.Hashing;
using Pocc.Core.Merkle;
using Pocc.Ledger.Blocks;
using Pocc.Ledger.Consensus;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tests.Builders;
using static Pocc.Ledger.Tests.Builders.TestKeys;

namespace Pocc.Consensus.Tests.Engine.Network;

public sealed class ConsensusCodecTests : IDisposable
{
    private readonly TestChain _chain = TestChain.Create();
    private readonly Block _parent;
    private readonly Commit _parentCommit;
    private readonly Block _block;
    private readonly Commit _commit;

    public ConsensusCodecTests()
    {
        (_parent, _parentCommit, _) = _chain.Produce(Tx.Transfer(Alice, Bob, 7).Signed());
        (_block, _commit, _) = _chain.Produce();
    }

    public void Dispose() => _chain.Dispose();

    /// <summary>One message of each kind, optional commits both present and absent.</summary>
    internal IEnumerable<ConsensusMessage> Messages()
    {
        var parts = BlockPartSet.FromBlock(_block);
        var proposal = Proposal.Sign(_chain.Chain.ChainId, _block.Header.Height, 2, _block.Hash, parts.Header, 1, _chain.Proposer);
        yield return new ProposalMessage(proposal, _parentCommit);
        yield return new ProposalMessage(proposal with { ValidRound = Proposal.NoRound }, null);
        yield return new VoteMessage(Equivocation.Vote(_chain.Proposer, 2, 3, VoteType.Precommit, _block.Hash));
        yield return new VoteMessage(Equivocation.Vote(_chain.Proposer, 2, 0, VoteType.Prevote));
        yield return new BlockRequest(new Height(ulong.MaxValue));
        yield return new BlockResponse(_commit, parts.Header, _parentCommit);
        yield return new BlockResponse(_parentCommit, BlockPartSet.FromBlock(_parent).Header, null);
        yield return parts.Messages(proposal.Height, proposal.Round).Single();
        yield return LastOfThreeParts(new Height(ulong.MaxValue), int.MaxValue);
    }

    /// <summary>The short last part of a three-part set, with its two-sibling proof.</summary>
    private static BlockPartMessage LastOfThreeParts(Height height, int round)
    {
        byte[][] parts = [new byte[PartSetHeader.PartSize], new byte[PartSetHeader.PartSize], [1, 2, 3]];
        parts[1][0] = 9;
        return new BlockPartMessage(height, round, parts[2], MerkleTree.Prove(MerkleTree.HashLeaves(parts), 2));
    }

    [Fact]
    public void Every_kind_round_trips_to_the_same_bytes_under_its_own_type()
    {
        byte[] expectedTypes = [16, 16, 17, 17, 18, 19, 19, 21, 21];
        foreach (var (message, expectedType) in Messages().Zip(expectedTypes))
        {
            var (type, payload) = ConsensusCodec.Encode(message);
            Assert.Equal(expectedType, type);
            Assert.True(payload.Length <= ConsensusMessageTypes.MaxPayload(type));
            var decoded = ConsensusCodec.Decode(type, payload);
            Assert.Equal(message.GetType(), decoded.GetType());
            Assert.Equal(message.Height, decoded.Height);
            Assert.Equal(payload, ConsensusCodec.Encode(decoded).Payload);
        }
    }

    [Fact]
    public void Every_truncation_and_every_extra_byte_is_refused()
    {
        foreach (var message in Messages())
        {
            var (type, payload) = ConsensusCodec.Encode(message);
            for (int length = 0; length < payload.Length; length++)
            {
                Assert.Throws<CodecException>(() => ConsensusCodec.Decode(type, payload.AsSpan(0, length)));
            }
            Assert.Throws<CodecException>(() => ConsensusCodec.Decode(type, [.. payload, 0]));
        }
    }

    [Fact]
    public void Oversized_payloads_length_prefixes_and_unknown_versions_or_types_are_refused()
    {
        var (voteType, vote) = ConsensusCodec.Encode(Messages().OfType<VoteMessage>().First());
        Assert.Equal(CodecException.TooLarge, Assert.Throws<CodecException>(() => ConsensusCodec.Decode(voteType, new byte[ConsensusMessageTypes.MaxVotePayload + 1])).Code);

        // A block response whose commit claims one byte more than a commit may have: refused before anything is read.
        var (responseType, response) = ConsensusCodec.Encode(Messages().OfType<BlockResponse>().First());
        BinaryPrimitives.WriteUInt32LittleEndian(response.AsSpan(1), Commit.MaxEncodedSize + 1);
        Assert.Equal(CodecException.TooLarge, Assert.Throws<CodecException>(() => ConsensusCodec.Decode(responseType, response)).Code);

        byte[] wrongVersion = [.. vote];
        wrongVersion[0] = ConsensusCodec.Version + 1;
        Assert.Equal(CodecException.UnknownVersion, Assert.Throws<CodecException>(() => ConsensusCodec.Decode(voteType, wrongVersion)).Code);
        Assert.Throws<CodecException>(() => ConsensusCodec.Decode(0x20, vote));
        // 0x14 is transaction gossip, between the consensus types and block parts.
        Assert.Throws<CodecException>(() => ConsensusCodec.Decode(0x14, vote));
    }

    [Fact]
    public void A_block_part_refuses_a_part_longer_than_the_part_size_an_empty_part_and_a_set_larger_than_the_largest_block()
    {
        var part = LastOfThreeParts(new Height(5), 1);
        var (type, payload) = ConsensusCodec.Encode(part with { Bytes = new byte[PartSetHeader.PartSize] });
        Assert.Equal(payload, ConsensusCodec.Encode(ConsensusCodec.Decode(type, payload)).Payload);
        Assert.Equal(CodecException.TooLarge, Assert.Throws<CodecException>(() => Decode(part with { Bytes = new byte[PartSetHeader.PartSize + 1] })).Code);
        Assert.Equal(CodecException.InvalidValue, Assert.Throws<CodecException>(() => Decode(part with { Bytes = [] })).Code);
        var tooMany = MerkleTree.Prove(Enumerable.Repeat(Hash32.Zero, PartSetHeader.MaxTotal + 1).ToArray(), 0);
        Assert.Equal(CodecException.InvalidValue, Assert.Throws<CodecException>(() => Decode(part with { Proof = tooMany })).Code);
        // An index outside its set is caught by the proof's own decoder.
        Assert.Throws<CodecException>(() => Decode(part with { Proof = part.Proof with { LeafIndex = 3 } }));
    }

    private static ConsensusMessage Decode(ConsensusMessage message)
    {
        var (type, payload) = ConsensusCodec.Encode(message);
        return ConsensusCodec.Decode(type, payload);
    }

    [Fact]
    public void Every_consensus_message_fits_the_transports_default_frame_limit_which_stays_as_it_was()
    {
        Assert.All(ConsensusMessageTypes.All, type => Assert.True(ConsensusMessageTypes.MaxPayload(type) < Pocc.Network.Framing.FrameLimits.DefaultGlobalMax));
        var defaults = new Pocc.Network.Peers.NetworkOptions { ChainId = "c" };
        var options = defaults.WithConsensusLimits();
        Assert.Equal(Pocc.Network.Framing.FrameLimits.DefaultGlobalMax, options.FrameLimits.GlobalMax);
        Assert.Equal(defaults.ByteBurst, options.ByteBurst);
        Assert.Equal(defaults.SendQueueMaxBytes, options.SendQueueMaxBytes);
    }

    [Fact]
    public void Frame_limits_admit_each_consensus_type_at_its_maximum_and_keep_other_limits()
    {
        var options = new Pocc.Network.Peers.NetworkOptions { ChainId = "c" }.WithConsensusLimits();
        Assert.Equal(ConsensusMessageTypes.MaxProposalPayload, options.FrameLimits.MaxFor(ConsensusMessageTypes.Proposal));
        Assert.Equal(ConsensusMessageTypes.MaxBlockPartPayload, options.FrameLimits.MaxFor(ConsensusMessageTypes.BlockPart));
        Assert.Equal(ConsensusMessageTypes.MaxVotePayload, options.FrameLimits.MaxFor(ConsensusMessageTypes.Vote));
        Assert.Equal(ConsensusMessageTypes.MaxBlockResponsePayload, options.FrameLimits.MaxFor(ConsensusMessageTypes.BlockResponse));
        Assert.Equal(Pocc.Network.Framing.FrameLimits.DefaultGlobalMax, options.FrameLimits.MaxFor(0x20));
        Assert.True(options.ByteBurst > options.FrameLimits.GlobalMax);
    }
}
