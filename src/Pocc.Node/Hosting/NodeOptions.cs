using System.Net;
using Pocc.Node.P2p;

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

    /// <summary>Where peers connect (<c>ip:port</c>, such as 127.0.0.1:26656); empty for a node that only dials.</summary>
    public string P2pListen { get; init; } = "";

    /// <summary>Peers to keep connected to, each <c>host:port</c>; the handshake authenticates their keys and the chain id.</summary>
    public string[] Peers { get; init; } = [];

    /// <summary>
    /// "solo" (this node alone makes blocks), "tendermint" (BFT among the genesis validators, over the peer transport),
    /// or "auto": tendermint when the validator set has more than one member or peers are configured, else solo.
    /// </summary>
    public string Consensus { get; init; } = "auto";

    /// <summary>Tendermint: how long validators wait for a round's proposal (the proposer waits BlockIntervalMs first).</summary>
    public int ProposeTimeoutMs { get; init; } = 2_000;

    /// <summary>Tendermint: how long to wait for the rest of the prevotes, and of the precommits, once a quorum voted.</summary>
    public int VoteTimeoutMs { get; init; } = 500;

    /// <summary>Tendermint: what each timeout grows by per round, so a slow network eventually gets rounds long enough.</summary>
    public int TimeoutDeltaMs { get; init; } = 500;

    /// <summary>True when this node runs BFT consensus over the peer transport, given the genesis validator count.</summary>
    public bool UsesTendermint(int validators) => Consensus switch
    {
        "tendermint" => true,
        "solo" => false,
        _ => validators > 1 || Peers.Length > 0,
    };

    /// <summary>The listen endpoint, or null when <see cref="P2pListen"/> is empty; call after <see cref="Validate"/>.</summary>
    public IPEndPoint? P2pListenEndPoint => P2pListen.Length == 0 ? null : (IPEndPoint)ParseEndPoint(P2pListen);

    /// <summary>The configured peers' endpoints; call after <see cref="Validate"/>.</summary>
    public IReadOnlyList<EndPoint> PeerEndPoints => [.. Peers.Select(ParseEndPoint)];

    private static EndPoint ParseEndPoint(string text) => PeerAddress.TryParse(text, out var endPoint) ? endPoint : throw new ArgumentException($"'{text}' is not host:port");

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
        if (P2pListen.Length > 0 && !(PeerAddress.TryParse(P2pListen, out var listen) && listen is IPEndPoint))
        {
            throw new ArgumentException($"Node:P2pListen '{P2pListen}' must be ip:port with a port in 1-65535, such as 127.0.0.1:26656 (or empty for no listener)");
        }
        foreach (var peer in Peers)
        {
            if (!PeerAddress.TryParse(peer, out _))
            {
                throw new ArgumentException($"Node:Peers entry '{peer}' must be host:port with a port in 1-65535, such as 127.0.0.1:26656");
            }
        }
        if (Consensus is not ("auto" or "solo" or "tendermint"))
        {
            throw new ArgumentException($"Node:Consensus must be 'auto', 'solo' or 'tendermint', not '{Consensus}'");
        }
        if (Consensus == "solo" && (Peers.Length > 0 || P2pListen.Length > 0))
        {
            throw new ArgumentException("Node:Consensus 'solo' runs without peers: remove Node:Peers and Node:P2pListen, or use 'tendermint'");
        }
        if (ProposeTimeoutMs is < 1 or > 600_000 || VoteTimeoutMs is < 1 or > 600_000 || TimeoutDeltaMs is < 0 or > 600_000)
        {
            throw new ArgumentException("Node:ProposeTimeoutMs and Node:VoteTimeoutMs must be between 1 and 600000, Node:TimeoutDeltaMs between 0 and 600000");
        }
        if (LogFormat is not ("text" or "json"))
        {
            throw new ArgumentException($"Node:LogFormat must be 'text' or 'json', not '{LogFormat}'");
        }
    }
}
