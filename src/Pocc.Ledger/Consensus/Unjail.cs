using Pocc.Core.Encoding;
using Pocc.Ledger.Transactions;

namespace Pocc.Ledger.Consensus;

/// <summary>
/// A jailed validator asks to rejoin: accepted <see cref="State.ChainParameters.JailBlocks"/> after the block that
/// jailed it, if it still has the minimum validator stake bonded. It sits on the committee again from the next block
/// (or, when the committee is full, from the next draw it wins). No fields: the sender is the validator.
/// </summary>
public sealed record Unjail : TransactionPayload
{
    public override TransactionKind Kind => TransactionKind.Unjail;

    internal override void WriteFields(ref CanonicalWriter writer)
    {
    }
}
