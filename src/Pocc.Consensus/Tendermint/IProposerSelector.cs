using Pocc.Core.Addressing;
using Pocc.Ledger.Primitives;

namespace Pocc.Consensus.Tendermint;

/// <summary>
/// The paper's proposer(h, r): every validator must get the same answer from the same inputs, so implementations are
/// deterministic functions of the validator set, height and round.
/// </summary>
public interface IProposerSelector
{
    Address Proposer(Height height, int round);
}
