using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Pocc.Network;

namespace Pocc.Consensus.Engine.Bft.Network;

/// <summary>
/// Consensus over a peer transport: broadcasts encode with <see cref="ConsensusCodec"/> under the types of
/// <see cref="ConsensusMessageTypes"/>, and a receive loop decodes what peers send into <see cref="Inbound"/>.
/// It reads the whole message stream of the transport it is given (messages of other types are dropped), so where
/// other layers share the transport give it a <see cref="MessageDispatcher"/> route for the consensus types. A message that does not decode is
/// logged with its peer and reason, dropped, and reported to the transport, which scores the peer down. Replies go
/// to the peer the request came from alone, and a message the engine finds provably bad scores its sender down.
/// </summary>
public sealed class PeerConsensusNetwork : IConsensusNetwork, IAsyncDisposable
{
    /// <summary>Decoded messages the engine has not read yet; when full, the loop stops reading and TCP pushes back.</summary>
    public const int InboundCapacity = 4_096;

    private readonly IPeerTransport _transport;
    private readonly ILogger<PeerConsensusNetwork> _logger;
    private readonly Channel<ConsensusMessage> _inbound = Channel.CreateBounded<ConsensusMessage>(InboundCapacity);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiving;

    // Who sent each message still held by the engine, so a reply goes to that peer only; entries go with the message.
    private readonly ConditionalWeakTable<ConsensusMessage, StrongBox<PeerId>> _senders = [];

    /// <summary>Starts reading <paramref name="transport"/>'s messages at once.</summary>
    public PeerConsensusNetwork(IPeerTransport transport, ILogger<PeerConsensusNetwork> logger)
    {
        _transport = transport;
        _logger = logger;
        _receiving = Task.Run(() => ReceiveAsync(_stop.Token));
    }

    public ChannelReader<ConsensusMessage> Inbound => _inbound.Reader;

    /// <inheritdoc/>
    /// <remarks>A message the transport refuses (over its frame limit) is logged and dropped, as a lost one would be.</remarks>
    public void Broadcast(ConsensusMessage message)
    {
        var (type, payload) = ConsensusCodec.Encode(message);
        try
        {
            _transport.Broadcast(type, payload);
        }
        catch (ArgumentOutOfRangeException e)
        {
            _logger.LogWarning("Not broadcasting {Message} for height {Height}: {Reason}", message.GetType().Name, message.Height, e.Message);
        }
    }

    /// <inheritdoc/>
    public void Reply(ConsensusMessage request, ConsensusMessage response)
    {
        if (!_senders.TryGetValue(request, out var sender))
        {
            Broadcast(response);
            return;
        }
        var (type, payload) = ConsensusCodec.Encode(response);
        try
        {
            _transport.Send(sender.Value, type, payload);
        }
        catch (ArgumentOutOfRangeException e)
        {
            _logger.LogWarning("Not answering {Peer} with {Message} for height {Height}: {Reason}", sender.Value, response.GetType().Name, response.Height, e.Message);
        }
    }

    /// <inheritdoc/>
    public void ReportInvalid(ConsensusMessage received, string reason)
    {
        if (_senders.TryGetValue(received, out var sender))
        {
            _logger.LogWarning("Dropping invalid {Message} for height {Height} from peer {Peer}: {Reason}", received.GetType().Name, received.Height, sender.Value, reason);
            _transport.ReportInvalidMessage(sender.Value, $"invalid {received.GetType().Name}: {reason}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _receiving;
        _stop.Dispose();
    }

    private async Task ReceiveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var received in _transport.Messages.ReadAllAsync(cancellationToken))
            {
                if (Decode(received) is { } message)
                {
                    _senders.AddOrUpdate(message, new StrongBox<PeerId>(received.From));
                    await _inbound.Writer.WriteAsync(message, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            _inbound.Writer.TryComplete();
        }
    }

    private ConsensusMessage? Decode(NetworkMessage received)
    {
        if (!ConsensusMessageTypes.IsConsensus(received.Type))
        {
            _logger.LogDebug("Dropping message type {Type} from peer {Peer}: not a consensus type", received.Type, received.From);
            return null;
        }
        try
        {
            return ConsensusCodec.Decode(received.Type, received.Payload.Span);
        }
        // Decoding is pure, so whatever it throws is about the bytes: one bad peer must not stop the loop.
        catch (Exception e)
        {
            _logger.LogWarning("Dropping undecodable consensus message type {Type} ({Length} bytes) from peer {Peer}: {Reason}",
                received.Type, received.Payload.Length, received.From, e.Message);
            _transport.ReportInvalidMessage(received.From, $"undecodable consensus message type {received.Type}: {e.Message}");
            return null;
        }
    }
}
