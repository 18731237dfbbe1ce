using Pocc.Ledger.Blocks;

namespace Pocc.Ledger.Chain;

/// <summary>A block that is final and on disk, with the commit that finalized it.</summary>
public sealed record CommittedBlock(Block Block, Commit Commit, int EncodedSize);
