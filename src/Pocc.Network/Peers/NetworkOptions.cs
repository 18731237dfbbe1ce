using System.Net;
using Pocc.Network.Framing;

namespace Pocc.Network.Peers;

/// <summary>Configuration of a <see cref="PeerManager"/>. Defaults suit a validator network of tens of nodes.</summary>
public sealed record NetworkOptions
{
    public const ushort CurrentProtocolVersion = 1;

    /// <summary>Peers on another chain are refused in the handshake.</summary>
    public required string ChainId { get; init; }

    public ushort ProtocolVersion { get; init; } = CurrentProtocolVersion;

    /// <summary>Where to accept connections; null for a dial-only node. Port 0 picks a free port.</summary>
    public IPEndPoint? ListenEndPoint { get; init; }

    public IReadOnlyList<PersistentPeer> PersistentPeers { get; init; } = [];

    /// <summary>Inbound and outbound together; a connection beyond it is refused with <see cref="DisconnectReason.TooManyPeers"/>.</summary>
    public int MaxPeers { get; init; } = 50;

    /// <summary>Inbound connections still in their handshake; more are closed on accept (<see cref="DisconnectReason.TooManyHandshakes"/>).</summary>
    public int MaxPendingHandshakes { get; init; } = 64;

    /// <summary>Covers the TCP connect and the whole handshake.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The first redial delay after a failure or disconnect; doubles per failure up to <see cref="ReconnectMaxDelay"/>.</summary>
    public TimeSpan ReconnectInitialDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromMinutes(1);

    public FrameLimits FrameLimits { get; init; } = FrameLimits.Default;

    /// <summary>Token-bucket refill rate of messages a peer may send us; excess messages are dropped and cost score.</summary>
    public double MessagesPerSecond { get; init; } = 1_000;

    public int MessageBurst { get; init; } = 2_000;

    /// <summary>Token-bucket refill rate of bytes (headers included) a peer may send us.</summary>
    public double BytesPerSecond { get; init; } = 16 * 1024 * 1024;

    /// <summary>Must be at least the largest frame, or that frame could never pass.</summary>
    public long ByteBurst { get; init; } = 32 * 1024 * 1024;

    /// <summary>Frames waiting for a slow peer; when full (or <see cref="SendQueueMaxBytes"/> is reached) the peer is disconnected.</summary>
    public int SendQueueCapacity { get; init; } = 1_024;

    public long SendQueueMaxBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Messages received but not yet read from <see cref="PeerManager.Messages"/>; when full, reading from sockets pauses (TCP back-pressure).</summary>
    public int InboundQueueCapacity { get; init; } = 4_096;

    /// <summary>Score lost per message dropped by a rate limit.</summary>
    public int RateLimitPenalty { get; init; } = 1;

    /// <summary>Score lost for a well-framed message the layer above could not use (<see cref="IPeerTransport.ReportInvalidMessage"/>).</summary>
    public int InvalidMessagePenalty { get; init; } = 20;

    /// <summary>Score lost for a malformed or oversized frame (the connection is closed too: the stream cannot be resynchronised).</summary>
    public int MalformedFramePenalty { get; init; } = 50;

    /// <summary>Score regained per second, up to 0: 0.1 forgives a 100-point deficit in about 17 minutes.</summary>
    public double ScoreRecoveryPerSecond { get; init; } = 0.1;

    /// <summary>A peer whose score falls to this or below is disconnected and banned for <see cref="BanDuration"/>.</summary>
    public int BanThreshold { get; init; } = -100;

    public TimeSpan BanDuration { get; init; } = TimeSpan.FromMinutes(10);

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(ChainId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxPeers);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxPendingHandshakes);
        ArgumentOutOfRangeException.ThrowIfNegative(ScoreRecoveryPerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(SendQueueCapacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(InboundQueueCapacity);
        ArgumentOutOfRangeException.ThrowIfLessThan(ByteBurst, (long)FrameLimits.GlobalMax + FrameCodec.HeaderSize, nameof(ByteBurst));
        ArgumentOutOfRangeException.ThrowIfLessThan(SendQueueMaxBytes, (long)FrameLimits.GlobalMax + FrameCodec.HeaderSize, nameof(SendQueueMaxBytes));
    }
}
