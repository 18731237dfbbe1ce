namespace Pocc.Network;

/// <summary>Why a connection was refused or closed. Stable codes: logs, events and metrics use them verbatim.</summary>
public enum DisconnectReason
{
    /// <summary>We are shutting down or the caller closed the peer.</summary>
    LocalShutdown,
    /// <summary>The remote side closed the TCP stream cleanly between frames.</summary>
    RemoteClosed,
    /// <summary>A socket error or a stream that ended in the middle of a frame.</summary>
    IoError,
    /// <summary>A frame header announced more bytes than the limit for its message type.</summary>
    FrameTooLarge,
    /// <summary>A frame whose type is not allowed at this point (a control type after the handshake, data before it).</summary>
    UnexpectedMessageType,
    /// <summary>The handshake did not finish within the configured time.</summary>
    HandshakeTimeout,
    /// <summary>A hello or auth frame that does not decode.</summary>
    MalformedHandshake,
    /// <summary>The peer speaks another protocol version.</summary>
    WrongProtocolVersion,
    /// <summary>The peer belongs to another chain.</summary>
    WrongChainId,
    /// <summary>The peer's transcript signature does not verify under the key it claimed.</summary>
    BadSignature,
    /// <summary>A configured persistent peer answered with a different key.</summary>
    UnexpectedPeerKey,
    /// <summary>The peer claims our own key: we dialled ourselves, or someone replays our hello.</summary>
    SelfConnection,
    /// <summary>A second connection to a peer we are already connected to lost the tie-break.</summary>
    DuplicateConnection,
    /// <summary>Too many unauthenticated connections are in their handshake; this one was closed on accept.</summary>
    TooManyHandshakes,
    /// <summary>We already hold the maximum number of peers.</summary>
    TooManyPeers,
    /// <summary>The peer's key is banned for a while after its score fell below the threshold.</summary>
    Banned,
    /// <summary>The peer's score fell below the threshold (rate limits, malformed frames); it is now banned.</summary>
    ScoreTooLow,
    /// <summary>The peer reads too slowly: its bounded send queue overflowed.</summary>
    SendQueueOverflow,
}
