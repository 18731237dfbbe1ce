using Pocc.Ledger.Blocks;
using Pocc.Ledger.Tasks;

namespace Pocc.Ledger.Chain;

/// <summary>A block that is final and on disk, with the commit that finalized it and the tasks whose state it changed.</summary>
public sealed record CommittedBlock(Block Block, Commit Commit, int EncodedSize, IReadOnlyList<ComputeTask> ChangedTasks);
