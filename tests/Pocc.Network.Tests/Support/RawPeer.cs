using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Pocc.Core.Crypto;
using Pocc.Network.Handshake;
using Pocc.Network.Peers;

namespace Pocc.Network.Tests.Support;

/// <summary>A hand-driven TCP client for attacks: raw bytes, handshakes with chosen fields, closure detection.</summary>
internal sealed class RawPeer : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;

    private RawPeer(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
        Input = PipeReader.Create(_stream, new StreamPipeReaderOptions(leaveOpen: true));
        Output = PipeWriter.Create(_stream, new StreamPipeWriterOptions(leaveOpen: true));
    }

    public PipeReader Input { get; }
    public PipeWriter Output { get; }

    public static async Task<RawPeer> Connect(IPEndPoint endPoint)
    {
        var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync(endPoint);
        return new RawPeer(client);
    }

    public async Task<PublicKey> Handshake(KeyPair key, string chain = TestNode.Chain)
    {
        using var timeout = new CancellationTokenSource(TestNode.Patience);
        return await PeerHandshake.RunAsync(Input, Output, key, isDialer: true,
            new HandshakeOptions(NetworkOptions.CurrentProtocolVersion, chain), timeout.Token);
    }

    public async Task Send(byte[] bytes)
    {
        await Output.WriteAsync(bytes);
    }

    /// <summary>True once the other side has closed the connection (end of stream or reset), false if it stays open.</summary>
    public async Task<bool> ClosedByRemote()
    {
        using var timeout = new CancellationTokenSource(TestNode.Patience);
        try
        {
            while (true)
            {
                var result = await Input.ReadAsync(timeout.Token);
                Input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    return true;
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        await Input.CompleteAsync();
        try
        {
            await Output.CompleteAsync();
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // The node already closed on us; that is what most tests expect.
        }
        _client.Dispose();
    }
}
