using Pocc.Core.Crypto;
using Pocc.Ledger.Blocks;
using Pocc.Ledger.Primitives;

namespace Pocc.Ledger.Tests.Builders;

/// <summary>Signs commits the way validators do: one precommit per key, sorted by validator address.</summary>
internal static class Commits
{
    public static Commit Sign(ChainId chainId, Block block, IEnumerable<KeyPair> signers, uint round = 0) =>
        Sign(chainId, block.Header.Height, block.Hash, signers, round);

    public static Commit Sign(ChainId chainId, Height height, Core.Hashing.Hash32 blockHash, IEnumerable<KeyPair> signers, uint round = 0)
    {
        var message = Commit.SigningBytes(chainId, height, round, blockHash);
        var signatures = signers
            .OrderBy(key => key.Address)
            .Select(key => new CommitSignature(key.Address, key.Sign(message)))
            .ToList();
        return new Commit(height, round, blockHash, signatures);
    }
}
