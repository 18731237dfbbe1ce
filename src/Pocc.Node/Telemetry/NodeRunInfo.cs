namespace Pocc.Node.Telemetry;

/// <summary>
/// What this node process hosts besides the chain, filled in by whoever embeds it (the CLI's node and devnet
/// commands): its matmul executor when it runs workers, and the devnet's transfer load.
/// </summary>
public sealed class NodeRunInfo
{
    public string? MatmulExecutor { get; set; }

    /// <summary>Reads the devnet load generator's figures at the moment of the request; null outside a devnet.</summary>
    public Func<LoadModel>? Load { get; set; }
}
