using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Pocc.Network.Framing;

namespace Pocc.Network.Peers;

/// <summary>
/// One authenticated connection: a receive loop that enforces frame limits and rate limits, and a send loop that
/// is the only writer to the socket, so frames queued concurrently still go out whole and one after another.
/// </summary>
internal sealed class PeerConnection : IDisposable
{
    private readonly PeerManager _owner;
    private readonly NetworkOptions _options;
    private readonly Stream _stream;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly Channel<OutboundFrame> _sendQueue;
    private readonly TokenBucket _messageBudget;
    private readonly TokenBucket _byteBudget;
    private readonly CancellationTokenSource _closed = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _queuedBytes, _bytesIn, _bytesOut, _messagesIn, _messagesOut, _messagesDropped;
    private int _closing;

    public PeerConnection(PeerManager owner, PeerId id, EndPoint? remote, bool outbound, DateTimeOffset connectedSince,
        Stream stream, PipeReader input, PipeWriter output, NetworkOptions options, TimeProvider time)
    {
        _owner = owner;
        _options = options;
        _stream = stream;
        _input = input;
        _output = output;
        Id = id;
        RemoteEndPoint = remote;
        Outbound = outbound;
        ConnectedSince = connectedSince;
        _sendQueue = Channel.CreateBounded<OutboundFrame>(new BoundedChannelOptions(options.SendQueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _messageBudget = new TokenBucket(options.MessagesPerSecond, options.MessageBurst, time);
        _byteBudget = new TokenBucket(options.BytesPerSecond, options.ByteBurst, time);
    }

    public PeerId Id { get; }
    public EndPoint? RemoteEndPoint { get; }
    public bool Outbound { get; }
    public DateTimeOffset ConnectedSince { get; }
    public DisconnectReason CloseReason { get; private set; }
    public string CloseDetail { get; private set; } = "";

    /// <summary>Completes when both loops have stopped and the socket is closed.</summary>
    public Task Completion => _completion.Task;

    /// <summary>
    /// Queues a frame. A full queue means the peer reads slower than we produce: we disconnect it
    /// (<see cref="DisconnectReason.SendQueueOverflow"/>) rather than drop frames silently, so the layer above sees a
    /// clean disconnect and catches the peer up by sync when it returns, instead of talking to a peer with holes.
    /// </summary>
    public bool TryEnqueue(byte type, ReadOnlyMemory<byte> payload)
    {
        if (_closed.IsCancellationRequested)
        {
            return false;
        }
        long size = FrameCodec.HeaderSize + payload.Length;
        if (Interlocked.Add(ref _queuedBytes, size) > _options.SendQueueMaxBytes
            || !_sendQueue.Writer.TryWrite(new OutboundFrame(type, payload)))
        {
            Close(DisconnectReason.SendQueueOverflow,
                $"send queue full ({_sendQueue.Reader.Count} frames, {Interlocked.Read(ref _queuedBytes) - size} bytes)");
            return false;
        }
        return true;
    }

    /// <summary>Idempotent; the first reason wins and is the one logged and reported.</summary>
    public void Close(DisconnectReason reason, string detail)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
        {
            return;
        }
        CloseReason = reason;
        CloseDetail = detail;
        _sendQueue.Writer.TryComplete();
        _closed.Cancel();
    }

    public async Task RunAsync(ChannelWriter<NetworkMessage> inbound, CancellationToken stopping)
    {
        using (stopping.Register(() => Close(DisconnectReason.LocalShutdown, "node stopping")))
        {
            await Task.WhenAll(ReceiveLoopAsync(inbound), SendLoopAsync());
        }
        await ReleaseAsync();
        Dispose();
        _completion.TrySetResult();
    }

    /// <summary>Only the cancellation source; the socket is released by <see cref="RunAsync"/> or by whoever refused the connection.</summary>
    public void Dispose() => _closed.Dispose();

    public PeerStats Snapshot(int score) => new(
        Id, RemoteEndPoint, Outbound, ConnectedSince,
        Interlocked.Read(ref _bytesIn), Interlocked.Read(ref _bytesOut),
        Interlocked.Read(ref _messagesIn), Interlocked.Read(ref _messagesOut),
        Interlocked.Read(ref _messagesDropped), score, _sendQueue.Reader.Count);

    private async Task ReceiveLoopAsync(ChannelWriter<NetworkMessage> inbound)
    {
        var frames = new FrameReader(_input, _options.FrameLimits);
        var token = _closed.Token;
        try
        {
            while (true)
            {
                if (await frames.ReadAsync(token) is not { } frame)
                {
                    Close(DisconnectReason.RemoteClosed, "peer closed the connection");
                    return;
                }
                if (!MessageTypes.IsApplication(frame.Type))
                {
                    throw new NetworkException(DisconnectReason.UnexpectedMessageType, $"transport message type {frame.Type} after the handshake");
                }
                long size = FrameCodec.HeaderSize + frame.Payload.Length;
                Interlocked.Add(ref _bytesIn, size);
                Interlocked.Increment(ref _messagesIn);
                if (!_messageBudget.TryTake(1) || !_byteBudget.TryTake(size))
                {
                    Interlocked.Increment(ref _messagesDropped);
                    _owner.Penalize(Id, _options.RateLimitPenalty, "rate limit exceeded");
                    continue;
                }
                await inbound.WriteAsync(new NetworkMessage(Id, frame.Type, frame.Payload), token);
            }
        }
        catch (NetworkException e)
        {
            Close(e.Reason, e.Message);
            _owner.Penalize(Id, _options.MalformedFramePenalty, e.Message);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Closed by someone else, who recorded the reason.
        }
        catch (ChannelClosedException)
        {
            Close(DisconnectReason.LocalShutdown, "node stopping");
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            Close(DisconnectReason.IoError, e.Message);
        }
    }

    private async Task SendLoopAsync()
    {
        var token = _closed.Token;
        var queue = _sendQueue.Reader;
        try
        {
            while (await queue.WaitToReadAsync(token))
            {
                // Write everything already queued, then flush once: fewer syscalls under load, no delay when idle.
                while (queue.TryRead(out var frame))
                {
                    long size = FrameCodec.HeaderSize + frame.Payload.Length;
                    FrameCodec.Write(_output, frame.Type, frame.Payload.Span);
                    Interlocked.Add(ref _queuedBytes, -size);
                    Interlocked.Add(ref _bytesOut, size);
                    Interlocked.Increment(ref _messagesOut);
                }
                if ((await _output.FlushAsync(token)).IsCompleted)
                {
                    Close(DisconnectReason.RemoteClosed, "peer stopped reading");
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Closed by someone else, who recorded the reason.
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            Close(DisconnectReason.IoError, e.Message);
        }
    }

    private async Task ReleaseAsync()
    {
        // The socket goes first: completing the writer flushes, and a flush to a peer that stopped reading would hang.
        await _stream.DisposeAsync();
        await _input.CompleteAsync();
        try
        {
            await _output.CompleteAsync();
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // Unsent bytes to a peer we are dropping anyway.
        }
    }

    private readonly record struct OutboundFrame(byte Type, ReadOnlyMemory<byte> Payload);
}
