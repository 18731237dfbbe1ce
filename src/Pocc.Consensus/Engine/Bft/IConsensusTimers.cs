using Pocc.Consensus.Tendermint;

namespace Pocc.Consensus.Engine.Bft;

/// <summary>
/// The timers a <see cref="ValidatorCore"/> asks for: real ones in <see cref="TendermintEngine"/>, virtual-time events in
/// the simulator. A timer that goes off is handed back through <see cref="ValidatorCore.Fire"/>.
/// </summary>
public interface IConsensusTimers
{
    void Schedule(TimeoutElapsed timeout, TimeSpan after);

    /// <summary>
    /// Asks for this validator's proposal to be built after <paramref name="after"/> (zero: on the next turn of the
    /// host's loop), handed back through <see cref="ValidatorCore.BuildDue"/>. Going through the host even without a
    /// delay means a validator deciding alone still reads its messages and timers between heights.
    /// </summary>
    void ScheduleBuild(GetValue get, TimeSpan after);

    /// <summary>Forgets every pending timer: the height they belong to is over.</summary>
    void CancelAll();
}
