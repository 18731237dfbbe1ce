using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Pocc.Network.Framing;

namespace Pocc.Network;

/// <summary>
/// Lets several layers (consensus, transaction gossip) share one transport: it alone reads the transport's messages
/// and routes each by type to the consumer registered for it. Each consumer gets a bounded queue behind a transport
/// view of its own. A queue registered as lossy drops what does not fit (gossip is best effort); any other makes the
/// dispatcher wait, which pushes back on all peers through TCP, so nothing grows without bound. A message of a type
/// nobody registered is dropped and reported as invalid.
/// </summary>
public sealed class MessageDispatcher : IAsyncDisposable
{
    public const int DefaultCapacity = 4_096;

    private readonly IPeerTransport _transport;
    private readonly ILogger<MessageDispatcher> _logger;
    private readonly Route?[] _routes = new Route?[256];
    private readonly List<Route> _registered = [];
    private readonly CancellationTokenSource _stop = new();
    private Task? _running;
    private int _disposed;

    public MessageDispatcher(IPeerTransport transport, ILogger<MessageDispatcher> logger)
    {
        _transport = transport;
        _logger = logger;
    }

    /// <summary>
    /// Registers a consumer of <paramref name="types"/> (application types, each registered once, before
    /// <see cref="Start"/>) and returns its view of the transport: sending goes to the transport, and
    /// <see cref="IPeerTransport.Messages"/> carries only those types.
    /// </summary>
    public IPeerTransport Register(IReadOnlyCollection<byte> types, int capacity = DefaultCapacity, bool lossy = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        if (_running is not null)
        {
            throw new InvalidOperationException("consumers register before the dispatcher starts");
        }
        var route = new Route(_transport, Channel.CreateBounded<NetworkMessage>(new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true }), lossy);
        foreach (var type in types)
        {
            if (!MessageTypes.IsApplication(type))
            {
                throw new ArgumentOutOfRangeException(nameof(types), type, "message types below 16 belong to the transport");
            }
            if (_routes[type] is not null)
            {
                throw new InvalidOperationException($"message type {type} already has a consumer");
            }
        }
        foreach (var type in types)
        {
            _routes[type] = route;
        }
        _registered.Add(route);
        return route;
    }

    /// <summary>Starts reading the transport.</summary>
    public void Start()
    {
        if (_running is not null)
        {
            throw new InvalidOperationException("the dispatcher is already started");
        }
        _running = Task.Run(() => RunAsync(_stop.Token));
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _stop.CancelAsync();
        if (_running is not null)
        {
            await _running;
        }
        foreach (var route in _registered)
        {
            route.Queue.Writer.TryComplete();
        }
        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in _transport.Messages.ReadAllAsync(cancellationToken))
            {
                var route = _routes[message.Type];
                if (route is null)
                {
                    _logger.LogDebug("Dropping message type {Type} from peer {Peer}: no consumer", message.Type, message.From);
                    _transport.ReportInvalidMessage(message.From, $"message type {message.Type} has no meaning here");
                }
                else if (route.Lossy)
                {
                    if (!route.Queue.Writer.TryWrite(message))
                    {
                        _logger.LogDebug("Dropping message type {Type} from peer {Peer}: its consumer is behind", message.Type, message.From);
                    }
                }
                else
                {
                    await route.Queue.Writer.WriteAsync(message, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var route in _registered)
            {
                route.Queue.Writer.TryComplete();
            }
        }
    }

    /// <summary>One consumer's view: its own queue of received messages, everything else the shared transport's.</summary>
    private sealed class Route(IPeerTransport transport, Channel<NetworkMessage> queue, bool lossy) : IPeerTransport
    {
        public Channel<NetworkMessage> Queue { get; } = queue;

        public bool Lossy { get; } = lossy;

        public PeerId LocalId => transport.LocalId;

        public ChannelReader<NetworkMessage> Messages => Queue.Reader;

        public bool Send(PeerId peer, byte type, ReadOnlyMemory<byte> payload) => transport.Send(peer, type, payload);

        public int Broadcast(byte type, ReadOnlyMemory<byte> payload) => transport.Broadcast(type, payload);

        public void ReportInvalidMessage(PeerId peer, string why) => transport.ReportInvalidMessage(peer, why);
    }
}
