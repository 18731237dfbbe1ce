using Pocc.Core.Hashing;
using Pocc.Ledger.Blocks;
using Pocc.Ledger.Primitives;

namespace Pocc.Ledger.Chain;

/// <summary>A consistent snapshot of the chain's head: height, block hash, state root and header (null at genesis).</summary>
public sealed record ChainHead(Height Height, Hash32 Hash, Hash32 StateRoot, BlockHeader? Header);
