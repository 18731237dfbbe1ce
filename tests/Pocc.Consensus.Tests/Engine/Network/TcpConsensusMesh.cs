using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Pocc.Consensus.Engine.Bft;
using Pocc.Consensus.Engine.Bft.Network;
using Pocc.Ledger.Tests.Builders;
using Pocc.Network.Peers;

namespace Pocc.Consensus.Tests.Engine.Network;

/// <summary>
/// <see cref="PeerManager"/>s on 127.0.0.1 with ephemeral ports, each dialling every earlier one as a persistent peer
/// with its expected key (so every pair is dialled once), each wrapped in a <see cref="PeerConsensusNetwork"/>.
/// </summary>
internal sealed class TcpConsensusMesh : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly List<PeerManager> _managers = [];
    private readonly List<PeerConsensusNetwork> _networks = [];

    private TcpConsensusMesh()
    {
    }

    public IReadOnlyList<IConsensusNetwork> Networks => _networks;

    /// <summary>Starts <paramref name="size"/> nodes and waits until each is connected to all the others.</summary>
    public static async Task<TcpConsensusMesh> Connect(int size)
    {
        var mesh = new TcpConsensusMesh();
        for (int i = 0; i < size; i++)
        {
            var options = new NetworkOptions
            {
                ChainId = GenesisBuilder.DefaultChainId,
                ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
                PersistentPeers = [.. mesh._managers.Select((earlier, j) => new PersistentPeer(earlier.LocalEndPoint!, NodeKey(j).PublicKey))],
                ReconnectInitialDelay = TimeSpan.FromMilliseconds(50),
                ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
            }.WithConsensusLimits();
            var manager = new PeerManager(NodeKey(i), options, TimeProvider.System, NullLogger<PeerManager>.Instance);
            manager.Start();
            mesh._managers.Add(manager);
            mesh._networks.Add(new PeerConsensusNetwork(manager, NullLogger<PeerConsensusNetwork>.Instance));
        }
        using var timeout = new CancellationTokenSource(Patience);
        while (mesh._managers.Any(manager => manager.ConnectedPeers.Count < size - 1))
        {
            await Task.Delay(20, timeout.Token);
        }
        return mesh;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var network in _networks)
        {
            await network.DisposeAsync();
        }
        foreach (var manager in _managers)
        {
            await manager.DisposeAsync();
        }
    }

    // Node keys apart from the validator keys: the transport identifies nodes, consensus signs with validator keys.
    private static Core.Crypto.KeyPair NodeKey(int index) => TestKeys.Of($"bft-node{index}");
}
