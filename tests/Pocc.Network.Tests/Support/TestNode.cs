using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pocc.Core.Crypto;
using Pocc.Network.Peers;

namespace Pocc.Network.Tests.Support;

/// <summary>A started <see cref="PeerManager"/> on 127.0.0.1 with an ephemeral port, its key, and helpers to await what it sees.</summary>
internal sealed class TestNode : IAsyncDisposable
{
    public const string Chain = "pocc-test";
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    private TestNode(KeyPair key, PeerManager manager)
    {
        Key = key;
        Manager = manager;
    }

    public KeyPair Key { get; }
    public PeerManager Manager { get; }
    public PeerId Id => Manager.LocalId;
    public IPEndPoint EndPoint => Manager.LocalEndPoint!;

    /// <summary>Short timeouts so failure paths finish quickly in tests.</summary>
    public static NetworkOptions Options(int port = 0) => new()
    {
        ChainId = Chain,
        ListenEndPoint = new IPEndPoint(IPAddress.Loopback, port),
        HandshakeTimeout = TimeSpan.FromSeconds(2),
        ReconnectInitialDelay = TimeSpan.FromMilliseconds(50),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
    };

    public static TestNode Start(string label, NetworkOptions? options = null, TimeProvider? time = null, ILogger<PeerManager>? logger = null)
    {
        var key = KeyPair.FromLabel(label);
        var manager = new PeerManager(key, options ?? Options(), time ?? TimeProvider.System, logger ?? NullLogger<PeerManager>.Instance);
        manager.Start();
        return new TestNode(key, manager);
    }

    public Task<PeerId> ConnectTo(TestNode other) => Manager.ConnectAsync(other.EndPoint, other.Key.PublicKey);

    /// <summary>The next event of type <typeparamref name="T"/> matching <paramref name="where"/>; earlier events are skipped.</summary>
    public async Task<T> NextEvent<T>(Func<T, bool>? where = null) where T : PeerEvent
    {
        using var timeout = new CancellationTokenSource(Patience);
        await foreach (var e in Manager.Events.ReadAllAsync(timeout.Token))
        {
            if (e is T match && (where is null || where(match)))
            {
                return match;
            }
        }
        throw new InvalidOperationException("event stream ended");
    }

    public async Task<NetworkMessage> NextMessage()
    {
        using var timeout = new CancellationTokenSource(Patience);
        return await Manager.Messages.ReadAsync(timeout.Token);
    }

    /// <summary>Waits until this node has registered <paramref name="peer"/> (it may have happened already).</summary>
    public async Task Connected(PeerId peer)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!Manager.ConnectedPeers.Contains(peer))
        {
            await Manager.Events.WaitToReadAsync(timeout.Token);
            Manager.Events.TryRead(out _);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Manager.DisposeAsync();
        Key.Dispose();
    }
}
