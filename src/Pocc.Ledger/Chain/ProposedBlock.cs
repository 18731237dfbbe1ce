using Pocc.Core.Hashing;
using Pocc.Ledger.Blocks;
using Pocc.Ledger.State;
using Pocc.Ledger.Transactions;

namespace Pocc.Ledger.Chain;

/// <summary>A transaction left out of a proposal, and why.</summary>
public sealed record RejectedTransaction(SignedTransaction Transaction, string Code, string Reason);

/// <summary>
/// A block executed on top of the current head but not yet committed: the block, the state changes it makes,
/// and the transactions that were offered but left out.
/// </summary>
public sealed class ProposedBlock
{
    internal ProposedBlock(Block block, byte[] encoded, StateOverlay changes, Hash32 parentHash, IReadOnlyList<RejectedTransaction> rejected)
    {
        Block = block;
        Encoded = encoded;
        Changes = changes;
        ParentHash = parentHash;
        Rejected = rejected;
    }

    public Block Block { get; }

    internal byte[] Encoded { get; }

    internal StateOverlay Changes { get; }

    internal Hash32 ParentHash { get; }

    public IReadOnlyList<RejectedTransaction> Rejected { get; }
}
