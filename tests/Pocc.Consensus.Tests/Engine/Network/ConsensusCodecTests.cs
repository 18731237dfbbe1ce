using System.Buffers.Binary;
using Pocc.Consensus.Engine.Bft;
using Pocc.Consensus.Engine.Bft.Network;
using Pocc.Consensus.Tendermint;
using Pocc.Core.Encoding;
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
        var proposal = Proposal.Sign(_chain.Chain.ChainId, _block.Header.Height, 2, _block.Hash, 1, _chain.Proposer);
        yield return new ProposalMessage(proposal, _block, _parentCommit);
        yield return new ProposalMessage(proposal with { ValidRound = Proposal.NoRound }, _parent, null);
        yield return new VoteMessage(Equivocation.Vote(_chain.Proposer, 2, 3, VoteType.Precommit, _block.Hash));
        yield return new VoteMessage(Equivocation.Vote(_chain.Proposer, 2, 0, VoteType.Prevote));
        yield return new BlockRequest(new Height(ulong.MaxValue));
        yield return new BlockResponse(_block, _commit, _parentCommit);
        yield return new BlockResponse(_parent, _parentCommit, null);
    }

    [Fact]
    public void Every_kind_round_trips_to_the_same_bytes_under_its_own_type()
    {
        byte[] expectedTypes = [16, 16, 17, 17, 18, 19, 19];
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

        // A proposal whose block claims one byte more than a block may have: refused before anything is read.
        var (proposalType, proposal) = ConsensusCodec.Encode(Messages().First());
        int blockPrefix = 1 + 4 + BinaryPrimitives.ReadInt32LittleEndian(proposal.AsSpan(1));
        BinaryPrimitives.WriteUInt32LittleEndian(proposal.AsSpan(blockPrefix), Block.MaxEncodedSize + 1);
        Assert.Equal(CodecException.TooLarge, Assert.Throws<CodecException>(() => ConsensusCodec.Decode(proposalType, proposal)).Code);

        byte[] wrongVersion = [.. vote];
        wrongVersion[0] = ConsensusCodec.Version + 1;
        Assert.Equal(CodecException.UnknownVersion, Assert.Throws<CodecException>(() => ConsensusCodec.Decode(voteType, wrongVersion)).Code);
        Assert.Throws<CodecException>(() => ConsensusCodec.Decode(0x20, vote));
    }

    [Fact]
    public void Frame_limits_admit_each_consensus_type_at_its_maximum_and_keep_other_limits()
    {
        var options = new Pocc.Network.Peers.NetworkOptions { ChainId = "c" }.WithConsensusLimits();
        Assert.Equal(ConsensusMessageTypes.MaxProposalPayload, options.FrameLimits.MaxFor(ConsensusMessageTypes.Proposal));
        Assert.Equal(ConsensusMessageTypes.MaxVotePayload, options.FrameLimits.MaxFor(ConsensusMessageTypes.Vote));
        Assert.Equal(ConsensusMessageTypes.MaxBlockResponsePayload, options.FrameLimits.MaxFor(ConsensusMessageTypes.BlockResponse));
        Assert.Equal(Pocc.Network.Framing.FrameLimits.DefaultGlobalMax, options.FrameLimits.MaxFor(0x20));
        Assert.True(options.ByteBurst > options.FrameLimits.GlobalMax);
    }
}
