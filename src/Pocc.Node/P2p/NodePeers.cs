using Pocc.Network.Peers;

namespace Pocc.Node.P2p;

/// <summary>The node's peer set as status and metrics see it; empty for a node without a peer transport.</summary>
public sealed class NodePeers(PeerManager? manager)
{
    public int Connected => manager?.ConnectedPeers.Count ?? 0;
}
