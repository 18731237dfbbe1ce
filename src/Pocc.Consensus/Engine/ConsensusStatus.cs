using Pocc.Core.Addressing;
using Pocc.Ledger.Primitives;

namespace Pocc.Consensus.Engine;

/// <summary>What the engine is doing, for the status API and logs.</summary>
public sealed record ConsensusStatus(string Engine, Height Height, int Validators, Address? LocalValidator, bool Producing, TimeSpan BlockInterval);
