using Pocc.Network;
using Pocc.Network.Peers;

namespace Pocc.Node.P2p;

/// <summary>
/// The node's peer transport for the host's lifetime: binds the listener and starts dialling on start (so a busy
/// port fails the start before consensus runs), starts the dispatcher, tells <c>onPeerConnected</c> about every
/// new connection, and closes every connection on stop.
/// </summary>
public sealed class PeerService : BackgroundService
{
    private readonly PeerManager _peers;
    private readonly MessageDispatcher _dispatcher;
    private readonly Action _onPeerConnected;

    public PeerService(PeerManager peers, MessageDispatcher dispatcher, Action onPeerConnected)
    {
        _peers = peers;
        _dispatcher = dispatcher;
        _onPeerConnected = onPeerConnected;
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _peers.Start();
        _dispatcher.Start();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var peerEvent in _peers.Events.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                if (peerEvent is PeerConnected)
                {
                    _onPeerConnected();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Stops reading, then closes every connection; the container's later disposal of both finds nothing to do.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await _dispatcher.DisposeAsync().ConfigureAwait(false);
        await _peers.DisposeAsync().ConfigureAwait(false);
    }
}
