namespace Pocc.Consensus.Engine;

/// <summary>Settings of the single-validator producer.</summary>
public sealed record SoloBlockProducerOptions
{
    /// <summary>Time between blocks; a block is made every interval, empty if nothing is pending.</summary>
    public TimeSpan BlockInterval { get; init; } = TimeSpan.FromMilliseconds(500);
}
