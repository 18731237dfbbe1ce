using System.IO.Pipelines;
using System.Security.Cryptography;
using Pocc.Core.Crypto;
using Pocc.Core.Encoding;
using Pocc.Network.Framing;

namespace Pocc.Network.Handshake;

/// <summary>
/// Mutual authentication with node keys. Each side sends a <see cref="Hello"/>, checks the other's, then sends an
/// Auth frame (the 64-byte Ed25519 signature of <see cref="HandshakeTranscript"/>) and verifies the other's.
/// Both sides write before they read, so the exchange costs two round trips at most and cannot deadlock.
/// <para>
/// The resulting channel is AUTHENTICATED BUT NOT ENCRYPTED: after the handshake, frames travel in plain text and
/// are not integrity-protected per frame, so an on-path attacker can read them and could tamper with or inject
/// frames into an established TCP stream. Every consensus message above is signed by its author, which bounds the
/// damage to dropping or delaying; confidentiality and per-frame integrity (e.g. a Noise XX session keyed by these
/// node keys) are future work.
/// </para>
/// </summary>
public static class PeerHandshake
{
    /// <summary>Handshake frames are tiny; anything bigger is an attack or garbage.</summary>
    public static FrameLimits Limits { get; } = new(Hello.MaxEncodedSize);

    /// <returns>The peer's proven public key.</returns>
    /// <exception cref="NetworkException">The typed reason the peer is refused.</exception>
    public static async Task<PublicKey> RunAsync(
        PipeReader input, PipeWriter output, KeyPair localKey, bool isDialer, HandshakeOptions options, CancellationToken cancellationToken)
    {
        var frames = new FrameReader(input, Limits);
        byte[] nonce = RandomNumberGenerator.GetBytes(Hello.NonceSize);
        var ours = new Hello(options.ProtocolVersion, options.ChainId, localKey.PublicKey, nonce);
        FrameCodec.Write(output, MessageTypes.Hello, ours.Encode());
        await output.FlushAsync(cancellationToken);

        var theirs = DecodeHello(await ReadFrameAsync(frames, MessageTypes.Hello, cancellationToken));
        Check(theirs, localKey.PublicKey, options);

        var (dialer, listener) = isDialer ? (ours, theirs) : (theirs, ours);
        var signature = localKey.Sign(HandshakeTranscript.Build(isDialer, dialer, listener));
        FrameCodec.Write(output, MessageTypes.Auth, signature.Bytes);
        await output.FlushAsync(cancellationToken);

        byte[] auth = await ReadFrameAsync(frames, MessageTypes.Auth, cancellationToken);
        if (auth.Length != Signature.Size)
        {
            throw new NetworkException(DisconnectReason.MalformedHandshake, $"auth frame of {auth.Length} bytes, expected {Signature.Size}");
        }
        if (!Ed25519.Verify(theirs.NodeKey, HandshakeTranscript.Build(!isDialer, dialer, listener), new Signature(auth)))
        {
            throw new NetworkException(DisconnectReason.BadSignature, $"handshake signature does not verify under {theirs.NodeKey}");
        }
        return theirs.NodeKey;
    }

    private static async Task<byte[]> ReadFrameAsync(FrameReader frames, byte expectedType, CancellationToken cancellationToken)
    {
        var frame = await frames.ReadAsync(cancellationToken)
            ?? throw new NetworkException(DisconnectReason.RemoteClosed, "peer closed the connection during the handshake");
        if (frame.Type != expectedType)
        {
            throw new NetworkException(DisconnectReason.UnexpectedMessageType, $"expected handshake frame type {expectedType}, got {frame.Type}");
        }
        return frame.Payload;
    }

    private static Hello DecodeHello(byte[] payload)
    {
        try
        {
            return Hello.Decode(payload);
        }
        catch (CodecException e)
        {
            throw new NetworkException(DisconnectReason.MalformedHandshake, $"undecodable hello: {e.Message}");
        }
    }

    private static void Check(Hello theirs, PublicKey localKey, HandshakeOptions options)
    {
        if (theirs.ProtocolVersion != options.ProtocolVersion)
        {
            throw new NetworkException(DisconnectReason.WrongProtocolVersion, $"peer speaks protocol {theirs.ProtocolVersion}, we speak {options.ProtocolVersion}");
        }
        if (theirs.ChainId != options.ChainId)
        {
            throw new NetworkException(DisconnectReason.WrongChainId, $"peer is on chain '{theirs.ChainId}', we are on '{options.ChainId}'");
        }
        if (theirs.NodeKey == localKey)
        {
            throw new NetworkException(DisconnectReason.SelfConnection, "peer claims our own node key");
        }
        if (options.ExpectedPeerKey is { } expected && theirs.NodeKey != expected)
        {
            throw new NetworkException(DisconnectReason.UnexpectedPeerKey, $"expected peer {expected}, got {theirs.NodeKey}");
        }
    }
}
