using Pocc.Network;
using Pocc.Network.Peers;

namespace Pocc.Node.P2p;

/// <summary>
/// The node's peer transport for the host's lifetime: binds the listener and starts dialling on start (so a busy
/// port fails the start before consensus runs), starts the dispatcher, and closes every connection on stop.
/// </summary>
public sealed class PeerService : IHostedService
{
    private readonly PeerManager _peers;
    private readonly MessageDispatcher _dispatcher;

    public PeerService(PeerManager peers, MessageDispatcher dispatcher)
    {
        _peers = peers;
        _dispatcher = dispatcher;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _peers.Start();
        _dispatcher.Start();
        return Task.CompletedTask;
    }

    /// <summary>Stops reading, then closes every connection; the container's later disposal of both finds nothing to do.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _dispatcher.DisposeAsync().ConfigureAwait(false);
        await _peers.DisposeAsync().ConfigureAwait(false);
    }
}
