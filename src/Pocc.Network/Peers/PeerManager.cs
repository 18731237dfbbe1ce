using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Pocc.Core.Crypto;
using Pocc.Network.Framing;
using Pocc.Network.Handshake;

namespace Pocc.Network.Peers;

/// <summary>
/// The TCP peer set of one node: accepts and dials connections, authenticates them (<see cref="PeerHandshake"/>),
/// keeps one connection per peer key and at most <see cref="NetworkOptions.MaxPeers"/>, redials persistent peers
/// with exponential backoff, rate-limits and scores peers, and bans the ones that misbehave.
/// Timing (handshake timeout, backoff, token buckets, bans) runs on the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed class PeerManager : IPeerTransport, IAsyncDisposable
{
    private const int EventQueueCapacity = 1_024;

    private readonly KeyPair _nodeKey;
    private readonly NetworkOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<PeerManager> _logger;
    private readonly HandshakeOptions _handshake;
    private readonly ConcurrentDictionary<PeerId, PeerConnection> _peers = new();
    private readonly ConcurrentDictionary<PeerId, PeerRecord> _records = new();
    private readonly Lock _registration = new();
    private readonly Channel<NetworkMessage> _inbound;
    private readonly Channel<PeerEvent> _events;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Task, byte> _running = new();
    private TcpListener? _listener;
    private int _pendingHandshakes;
    private int _started;
    private int _disposed;

    public PeerManager(KeyPair nodeKey, NetworkOptions options, TimeProvider time, ILogger<PeerManager> logger)
    {
        options.Validate();
        _nodeKey = nodeKey;
        _options = options;
        _time = time;
        _logger = logger;
        _handshake = new HandshakeOptions(options.ProtocolVersion, options.ChainId);
        LocalId = new PeerId(nodeKey.PublicKey);
        _inbound = Channel.CreateBounded<NetworkMessage>(new BoundedChannelOptions(options.InboundQueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
        });
        // Nobody is obliged to read events; the oldest are dropped rather than kept forever.
        _events = Channel.CreateBounded<PeerEvent>(new BoundedChannelOptions(EventQueueCapacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
        });
    }

    public PeerId LocalId { get; }

    /// <summary>The bound listening endpoint (with the real port when 0 was configured), once started.</summary>
    public IPEndPoint? LocalEndPoint => (IPEndPoint?)_listener?.LocalEndpoint;

    public ChannelReader<NetworkMessage> Messages => _inbound.Reader;

    public ChannelReader<PeerEvent> Events => _events.Reader;

    public IReadOnlyCollection<PeerId> ConnectedPeers => [.. _peers.Keys];

    /// <summary>Binds the listener (if configured) and starts dialling the persistent peers.</summary>
    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("the peer manager is already started");
        }
        if (_options.ListenEndPoint is { } endPoint)
        {
            var listener = new TcpListener(endPoint);
            // A restarted node must get its port back while old connections linger in TIME_WAIT.
            listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Start();
            _listener = listener;
            _logger.LogInformation("Listening for peers on {EndPoint} as {Peer}", listener.LocalEndpoint, LocalId);
            Track(() => AcceptLoopAsync(listener, _stop.Token));
        }
        foreach (var peer in _options.PersistentPeers)
        {
            Track(() => DialLoopAsync(peer, _stop.Token));
        }
    }

    /// <summary>Dials once, runs the handshake and registers the peer; the connection then lives on in the background.</summary>
    /// <exception cref="NetworkException">The typed reason the connection was refused.</exception>
    public async Task<PeerId> ConnectAsync(EndPoint endPoint, PublicKey? expectedKey = null, CancellationToken cancellationToken = default)
    {
        var connection = await DialAsync(endPoint, expectedKey, cancellationToken);
        return connection.Id;
    }

    /// <inheritdoc/>
    /// <remarks>The payload is not copied: the caller must not change it afterwards.</remarks>
    public bool Send(PeerId peer, byte type, ReadOnlyMemory<byte> payload)
    {
        CheckOutgoing(type, payload.Length);
        return _peers.TryGetValue(peer, out var connection) && connection.TryEnqueue(type, payload);
    }

    /// <inheritdoc/>
    /// <remarks>All peers share the one payload buffer: the caller must not change it afterwards.</remarks>
    public int Broadcast(byte type, ReadOnlyMemory<byte> payload)
    {
        CheckOutgoing(type, payload.Length);
        int accepted = 0;
        foreach (var connection in _peers.Values)
        {
            if (connection.TryEnqueue(type, payload))
            {
                accepted++;
            }
        }
        return accepted;
    }

    public IReadOnlyList<PeerStats> GetStats()
    {
        var stats = new List<PeerStats>(_peers.Count);
        foreach (var connection in _peers.Values)
        {
            stats.Add(connection.Snapshot(ScoreOf(connection.Id)));
        }
        return stats;
    }

    /// <summary>0 for a peer in good standing; negative after penalties, recovering over time.</summary>
    public int ScoreOf(PeerId peer)
    {
        if (!_records.TryGetValue(peer, out var record))
        {
            return 0;
        }
        lock (record)
        {
            return record.ScoreAt(_time.GetUtcNow(), _options.ScoreRecoveryPerSecond);
        }
    }

    public bool IsBanned(PeerId peer) => BannedUntil(peer) > _time.GetUtcNow();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _stop.CancelAsync();
        _listener?.Stop();
        await Task.WhenAll(_running.Keys);
        _inbound.Writer.TryComplete();
        _events.Writer.TryComplete();
        _stop.Dispose();
    }

    public void ReportInvalidMessage(PeerId peer, string why) => Penalize(peer, _options.InvalidMessagePenalty, why);

    /// <summary>Lowers a peer's score; at the threshold the peer is disconnected and banned.</summary>
    internal void Penalize(PeerId peer, int amount, string why)
    {
        var record = _records.GetOrAdd(peer, _ => new PeerRecord());
        var now = _time.GetUtcNow();
        DateTimeOffset? bannedUntil = null;
        lock (record)
        {
            if (record.Penalize(now, amount, _options.ScoreRecoveryPerSecond) <= _options.BanThreshold)
            {
                // The slate is wiped with the ban: once it expires the peer starts again from zero.
                record.Reset(now);
                record.BannedUntil = now + _options.BanDuration;
                bannedUntil = record.BannedUntil;
            }
        }
        if (bannedUntil is { } until)
        {
            _logger.LogWarning("Banning peer {Peer} until {Until}: score fell to {Threshold} ({Why})", peer, until, _options.BanThreshold, why);
            if (_peers.TryGetValue(peer, out var connection))
            {
                connection.Close(DisconnectReason.ScoreTooLow, $"score fell to {_options.BanThreshold} ({why}); banned until {until:O}");
            }
        }
    }

    private DateTimeOffset BannedUntil(PeerId peer)
    {
        if (!_records.TryGetValue(peer, out var record))
        {
            return DateTimeOffset.MinValue;
        }
        lock (record)
        {
            return record.BannedUntil;
        }
    }

    private void CheckOutgoing(byte type, int length)
    {
        if (!MessageTypes.IsApplication(type))
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, $"message types below {MessageTypes.FirstApplication} are reserved for the transport");
        }
        // The peers run the same limits: sending more would only get us disconnected and scored down.
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, _options.FrameLimits.MaxFor(type), "payload length");
    }

    private async Task AcceptLoopAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(cancellationToken);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException && cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException e)
            {
                _logger.LogWarning("Accepting a connection failed: {Error}", e.Message);
                continue;
            }
            Track(() => AcceptAsync(socket, cancellationToken));
        }
    }

    private async Task AcceptAsync(Socket socket, CancellationToken cancellationToken)
    {
        // Unauthenticated connections are cheap to open: cap how many may sit in a handshake at once.
        if (Interlocked.Increment(ref _pendingHandshakes) > _options.MaxPendingHandshakes)
        {
            Interlocked.Decrement(ref _pendingHandshakes);
            socket.Dispose();
            Refused(null, null, new NetworkException(DisconnectReason.TooManyHandshakes,
                $"already {_options.MaxPendingHandshakes} handshakes in progress"));
            return;
        }
        try
        {
            var connection = await EstablishAsync(socket, outbound: false, expectedKey: null, cancellationToken);
            Track(() => RunAsync(connection));
        }
        catch (NetworkException)
        {
            // Already logged and reported by EstablishAsync.
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            Interlocked.Decrement(ref _pendingHandshakes);
        }
    }

    /// <summary>Keeps one persistent peer connected: dial, wait while connected, back off exponentially after failures and short-lived connections.</summary>
    private async Task DialLoopAsync(PersistentPeer target, CancellationToken cancellationToken)
    {
        var delay = _options.ReconnectInitialDelay;
        PeerId? known = target.ExpectedKey is { } key ? new PeerId(key) : null;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    // It may already be connected, e.g. it dialled us: then wait for that connection to end.
                    var connection = known is { } id && _peers.TryGetValue(id, out var current)
                        ? current
                        : await DialAsync(target.EndPoint, target.ExpectedKey, cancellationToken);
                    known = connection.Id;
                    long connectedAt = _time.GetTimestamp();
                    await connection.Completion.WaitAsync(cancellationToken);
                    // Only a connection that held for a while resets the backoff; one that keeps dropping at once
                    // (the peer bans us, or is full) is retried ever more slowly.
                    if (_time.GetElapsedTime(connectedAt) >= _options.ReconnectMaxDelay)
                    {
                        delay = _options.ReconnectInitialDelay;
                    }
                }
                catch (NetworkException)
                {
                    // Already logged and reported by DialAsync.
                }
                await Task.Delay(delay, _time, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.ReconnectMaxDelay.Ticks));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task<PeerConnection> DialAsync(EndPoint endPoint, PublicKey? expectedKey, CancellationToken cancellationToken)
    {
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        var socket = endPoint.AddressFamily == AddressFamily.Unspecified
            ? new Socket(SocketType.Stream, ProtocolType.Tcp)
            : new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            using var timeout = new CancellationTokenSource(_options.HandshakeTimeout, _time);
            using var connecting = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token, timeout.Token);
            try
            {
                await socket.ConnectAsync(endPoint, connecting.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !stopping.IsCancellationRequested)
            {
                throw new NetworkException(DisconnectReason.HandshakeTimeout, $"connecting to {endPoint} timed out");
            }
            catch (SocketException e)
            {
                throw new NetworkException(DisconnectReason.IoError, $"connecting to {endPoint} failed: {e.Message}");
            }
        }
        catch (NetworkException e)
        {
            socket.Dispose();
            Refused(null, endPoint, e);
            throw;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var connection = await EstablishAsync(socket, outbound: true, expectedKey, stopping.Token);
        Track(() => RunAsync(connection));
        return connection;
    }

    /// <summary>Handshake and registration; on failure the socket is closed and the refusal logged and reported.</summary>
    private async Task<PeerConnection> EstablishAsync(Socket socket, bool outbound, PublicKey? expectedKey, CancellationToken cancellationToken)
    {
        EndPoint? remote;
        try
        {
            remote = socket.RemoteEndPoint;
            socket.NoDelay = true;
        }
        catch (SocketException e)
        {
            // The peer reset the connection between accept and here.
            socket.Dispose();
            var reset = new NetworkException(DisconnectReason.IoError, $"connection lost before the handshake: {e.Message}");
            Refused(null, null, reset);
            throw reset;
        }
        var stream = new NetworkStream(socket, ownsSocket: true);
        var input = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
        var output = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
        PeerId? peer = null;
        try
        {
            using var timeout = new CancellationTokenSource(_options.HandshakeTimeout, _time);
            using var handshaking = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                var key = await PeerHandshake.RunAsync(input, output, _nodeKey, outbound, _handshake with { ExpectedPeerKey = expectedKey }, handshaking.Token);
                peer = new PeerId(key);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new NetworkException(DisconnectReason.HandshakeTimeout, $"no complete handshake within {_options.HandshakeTimeout}");
            }
            catch (Exception e) when (e is IOException or SocketException)
            {
                throw new NetworkException(DisconnectReason.IoError, $"handshake failed: {e.Message}");
            }
            var connection = new PeerConnection(this, peer.Value, remote, outbound, _time.GetUtcNow(), stream, input, output, _options, _time);
            try
            {
                Register(connection);
            }
            catch
            {
                connection.Dispose();
                throw;
            }
            return connection;
        }
        catch (NetworkException e)
        {
            await CloseAsync(stream, input, output);
            Refused(peer, remote, e);
            throw;
        }
        catch
        {
            await CloseAsync(stream, input, output);
            throw;
        }
    }

    private void Register(PeerConnection connection)
    {
        var bannedUntil = BannedUntil(connection.Id);
        if (bannedUntil > _time.GetUtcNow())
        {
            throw new NetworkException(DisconnectReason.Banned, $"peer {connection.Id} is banned until {bannedUntil:O}");
        }
        lock (_registration)
        {
            if (_peers.TryGetValue(connection.Id, out var existing))
            {
                if (!Supersedes(connection, existing))
                {
                    throw new NetworkException(DisconnectReason.DuplicateConnection, $"already connected to {connection.Id}; the tie-break keeps the other connection");
                }
                _peers[connection.Id] = connection;
                existing.Close(DisconnectReason.DuplicateConnection, "replaced by a newer connection the tie-break keeps");
                return;
            }
            if (_peers.Count >= _options.MaxPeers)
            {
                throw new NetworkException(DisconnectReason.TooManyPeers, $"already at the maximum of {_options.MaxPeers} peers");
            }
            _peers[connection.Id] = connection;
        }
    }

    /// <summary>
    /// The duplicate-connection tie-break. When both nodes dial each other at once, each ends up with one inbound and
    /// one outbound connection; both keep the one dialled by the lower key, so they keep the same TCP connection and
    /// close the same one. Two connections in the same direction mean the peer reconnected: the older one is stale.
    /// </summary>
    private bool Supersedes(PeerConnection candidate, PeerConnection existing)
    {
        if (candidate.Outbound == existing.Outbound)
        {
            return true;
        }
        var (dialer, listener) = candidate.Outbound ? (LocalId, candidate.Id) : (candidate.Id, LocalId);
        return dialer.CompareTo(listener) < 0;
    }

    private async Task RunAsync(PeerConnection connection)
    {
        _logger.LogInformation("Peer {Peer} connected ({Direction}, {EndPoint})", connection.Id, connection.Outbound ? "outbound" : "inbound", connection.RemoteEndPoint);
        _events.Writer.TryWrite(new PeerConnected(connection.Id, connection.RemoteEndPoint, connection.Outbound));
        await connection.RunAsync(_inbound.Writer, _stop.Token);
        bool wasCurrent = _peers.TryRemove(new KeyValuePair<PeerId, PeerConnection>(connection.Id, connection));
        _logger.LogInformation("Peer {Peer} disconnected ({EndPoint}): {Reason} {Detail}", connection.Id, connection.RemoteEndPoint, connection.CloseReason, connection.CloseDetail);
        // A connection replaced by the tie-break is only logged: the peer itself is still connected.
        if (wasCurrent)
        {
            _events.Writer.TryWrite(new PeerDisconnected(connection.Id, connection.RemoteEndPoint, connection.CloseReason, connection.CloseDetail));
        }
    }

    private void Refused(PeerId? peer, EndPoint? remote, NetworkException reason)
    {
        _logger.LogInformation("Connection with {EndPoint} (peer {Peer}) refused: {Reason} {Detail}", remote, peer?.ToString() ?? "unknown", reason.Reason, reason.Message);
        _events.Writer.TryWrite(new PeerRefused(peer, remote, reason.Reason, reason.Message));
    }

    private static async Task CloseAsync(Stream stream, PipeReader input, PipeWriter output)
    {
        await stream.DisposeAsync();
        await input.CompleteAsync();
        try
        {
            await output.CompleteAsync();
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // Nothing more to say to a refused peer.
        }
    }

    private void Track(Func<Task> work)
    {
        var task = Task.Run(work);
        _running.TryAdd(task, 0);
        _ = task.ContinueWith(t => _running.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>What we remember about a key across its connections. Guarded by locking the instance.</summary>
    private sealed class PeerRecord
    {
        private double _score;
        private DateTimeOffset _asOf;

        public DateTimeOffset BannedUntil { get; set; }

        /// <summary>The score recovers linearly towards 0, so occasional bursts are forgiven and only sustained abuse bans.</summary>
        public int ScoreAt(DateTimeOffset now, double recoveryPerSecond)
        {
            Recover(now, recoveryPerSecond);
            return (int)Math.Floor(_score);
        }

        public int Penalize(DateTimeOffset now, int amount, double recoveryPerSecond)
        {
            Recover(now, recoveryPerSecond);
            _score -= amount;
            return (int)Math.Floor(_score);
        }

        public void Reset(DateTimeOffset now)
        {
            _score = 0;
            _asOf = now;
        }

        private void Recover(DateTimeOffset now, double recoveryPerSecond)
        {
            if (now > _asOf)
            {
                _score = Math.Min(0, _score + (now - _asOf).TotalSeconds * recoveryPerSecond);
                _asOf = now;
            }
        }
    }
}
