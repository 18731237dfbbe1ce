namespace Pocc.Node.Hosting;

/// <summary>The node's settings: from {home}/config.json, then POCC_-prefixed environment variables, then flags.</summary>
public sealed record NodeOptions
{
    public const string Section = "Node";

    /// <summary>Where the HTTP API listens. Loopback by default: exposing it is a deliberate choice.</summary>
    public string ApiUrl { get; init; } = "http://127.0.0.1:26657";

    public int BlockIntervalMs { get; init; } = 500;

    public int MempoolMaxTransactions { get; init; } = 200_000;

    public long MempoolMaxBytes { get; init; } = 128L * 1024 * 1024;

    public int MempoolMaxPerSender { get; init; } = 1_000;

    /// <summary>Largest request body the API reads; transactions are about 200 bytes, batches up to this.</summary>
    public long MaxRequestBodyBytes { get; init; } = 4L * 1024 * 1024;

    /// <summary>Whether this node signs blocks with its validator key (if that key is in the validator set).</summary>
    public bool Validator { get; init; } = true;

    /// <summary>"text" (one line per event) or "json" (one JSON object per line, for log shippers).</summary>
    public string LogFormat { get; init; } = "text";
}
