using Pocc.Core.Crypto;
using Pocc.Core.Hashing;
using Pocc.Ledger.Consensus;
using Pocc.Ledger.Primitives;

namespace Pocc.Ledger.Tests.Builders;

/// <summary>Signed conflicting votes: <c>Equivocation.Prevotes(byzantine, height: 2)</c> and friends, on the test chain by default.</summary>
internal static class Equivocation
{
    public static readonly Hash32 BlockA = Blake3Hash.Of("block A"u8);
    public static readonly Hash32 BlockB = Blake3Hash.Of("block B"u8);

    public static ChainId TestChainId => new(GenesisBuilder.DefaultChainId);

    public static Vote Vote(KeyPair key, ulong height, int round = 0, VoteType type = VoteType.Prevote, Hash32? block = null, ChainId? chainId = null) =>
        Ledger.Consensus.Vote.Sign(chainId ?? TestChainId, type, new Height(height), round, block, key);

    /// <summary>Two votes of <paramref name="key"/> of one type at one height and round, for blocks A and B.</summary>
    public static DuplicateVoteEvidence Of(KeyPair key, ulong height, int round = 0, VoteType type = VoteType.Prevote, ChainId? chainId = null) =>
        new(Vote(key, height, round, type, BlockA, chainId), Vote(key, height, round, type, BlockB, chainId));

    public static TxBuilder Submit(KeyPair from, DuplicateVoteEvidence evidence) => new(from, new SubmitEvidence(evidence));
}
