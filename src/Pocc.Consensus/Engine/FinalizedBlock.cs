using Pocc.Ledger.Chain;

namespace Pocc.Consensus.Engine;

/// <summary>
/// A finalized block and, for each of its transactions that waited in this node's mempool, the seconds
/// from admission to finality (the finality latency users see).
/// </summary>
public sealed record FinalizedBlock(CommittedBlock Committed, IReadOnlyList<double> FinalitySeconds, int Rejected);
