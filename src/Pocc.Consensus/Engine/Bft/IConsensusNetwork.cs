using System.Threading.Channels;

namespace Pocc.Consensus.Engine.Bft;

/// <summary>Where a validator's outgoing consensus messages go; the simulator's network implements it with faults.</summary>
public interface IConsensusSink
{
    /// <summary>Sends to every other validator, best effort; consensus tolerates loss through its timeouts and rounds.</summary>
    void Broadcast(ConsensusMessage message);

    /// <summary>
    /// Answers <paramref name="request"/>, a message this validator received, to the validator that sent it alone
    /// (block sync), best effort; where the sender is no longer known the answer is broadcast.
    /// </summary>
    void Reply(ConsensusMessage request, ConsensusMessage response);

    /// <summary>
    /// <paramref name="received"/>, a message this validator received, decoded but is provably bad (a block part whose
    /// proof fails): the validator that sent it is scored down, where it is still known.
    /// </summary>
    void ReportInvalid(ConsensusMessage received, string reason);
}

/// <summary>
/// The engine's only view of other validators: broadcast to all, read what arrives. Pocc.Network implements it over
/// its peer transport, so the engine never touches sockets.
/// </summary>
public interface IConsensusNetwork : IConsensusSink
{
    /// <summary>Messages from other validators, unverified: the machine checks signatures, the chain checks blocks.</summary>
    ChannelReader<ConsensusMessage> Inbound { get; }
}
