using System.Threading.Channels;

namespace Pocc.Consensus.Engine.Bft;

/// <summary>
/// The engine's only view of other validators: broadcast to all, read what arrives. Pocc.Network implements it over
/// its peer transport and the simulator in memory, so the engine never touches sockets.
/// </summary>
public interface IConsensusNetwork
{
    /// <summary>Sends to every other validator, best effort; consensus tolerates loss through its timeouts and rounds.</summary>
    void Broadcast(ConsensusMessage message);

    /// <summary>Messages from other validators, unverified: the machine checks signatures, the chain checks blocks.</summary>
    ChannelReader<ConsensusMessage> Inbound { get; }

    /// <summary>
    /// Answers <paramref name="request"/>, a message read from <see cref="Inbound"/>, to the validator that sent it
    /// alone (block sync), best effort; where the sender is no longer known the answer is broadcast.
    /// </summary>
    void Reply(ConsensusMessage request, ConsensusMessage response);
}
