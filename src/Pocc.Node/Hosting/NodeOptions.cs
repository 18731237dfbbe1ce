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

    /// <summary>Refuses settings that would make a broken node, naming the setting.</summary>
    public void Validate()
    {
        if (!Uri.TryCreate(ApiUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"Node:ApiUrl '{ApiUrl}' must be an http(s) URL such as http://127.0.0.1:26657");
        }
        if (BlockIntervalMs is < 1 or > 600_000)
        {
            throw new ArgumentException($"Node:BlockIntervalMs must be between 1 and 600000, not {BlockIntervalMs}");
        }
        if (MempoolMaxTransactions < 1 || MempoolMaxBytes < 1024 || MempoolMaxPerSender < 1)
        {
            throw new ArgumentException("Node:MempoolMaxTransactions, Node:MempoolMaxBytes (at least 1024) and Node:MempoolMaxPerSender must be positive");
        }
        if (MaxRequestBodyBytes < 4096)
        {
            throw new ArgumentException("Node:MaxRequestBodyBytes must be at least 4096");
        }
        if (LogFormat is not ("text" or "json"))
        {
            throw new ArgumentException($"Node:LogFormat must be 'text' or 'json', not '{LogFormat}'");
        }
    }
}
