namespace Pocc.Consensus.Engine;

/// <summary>
/// Decides which block comes next and when it is final. The node starts it and listens to <see cref="Finalized"/>;
/// the single-validator producer implements it today and the BFT engine will replace it without changing callers.
/// </summary>
public interface IConsensusEngine
{
    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled; a block being committed is finished first.</summary>
    Task RunAsync(CancellationToken cancellationToken);

    ConsensusStatus Status { get; }

    /// <summary>Raised once per finalized block, after it is on disk.</summary>
    event Action<FinalizedBlock>? Finalized;
}
