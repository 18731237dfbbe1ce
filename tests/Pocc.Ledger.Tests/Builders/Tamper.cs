using Pocc.Core.Addressing;
using Pocc.Core.Crypto.Vrf;
using Pocc.Core.Hashing;
using Pocc.Ledger.Blocks;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Transactions;

namespace Pocc.Ledger.Tests.Builders;

/// <summary>
/// Copies of blocks and headers with some fields changed. Headers are rebuilt through the constructor rather than
/// with <c>with</c>, which would copy the header's cached hash.
/// </summary>
internal static class Tamper
{
    public static BlockHeader Header(
        BlockHeader header,
        ChainId? chainId = null,
        Height? height = null,
        ulong? timestampMs = null,
        Hash32? previousHash = null,
        Hash32? lastCommitHash = null,
        Hash32? transactionsRoot = null,
        uint? transactionCount = null,
        Hash32? stateRoot = null,
        Address? proposer = null,
        VrfProof? beaconProof = null) =>
        new(
            chainId ?? header.ChainId,
            height ?? header.Height,
            timestampMs ?? header.TimestampMs,
            previousHash ?? header.PreviousHash,
            lastCommitHash ?? header.LastCommitHash,
            transactionsRoot ?? header.TransactionsRoot,
            transactionCount ?? header.TransactionCount,
            stateRoot ?? header.StateRoot,
            proposer ?? header.Proposer,
            beaconProof ?? header.BeaconProof);

    public static Block Header(Block block, Func<BlockHeader, BlockHeader> edit) => new(edit(block.Header), block.Transactions);

    /// <summary>The block with <paramref name="transactions"/> and a header whose transactions root and count match them.</summary>
    public static Block Transactions(Block block, IReadOnlyList<SignedTransaction> transactions) =>
        new(Header(block.Header, transactionsRoot: Block.ComputeTransactionsRoot(transactions), transactionCount: (uint)transactions.Count), transactions);
}
