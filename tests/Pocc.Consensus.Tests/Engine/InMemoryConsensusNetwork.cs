using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Pocc.Consensus.Engine.Bft;

namespace Pocc.Consensus.Tests.Engine;

/// <summary>
/// Validators in one process: a broadcast reaches every other connected endpoint at once, in order. Tests cut an
/// endpoint off with <see cref="Connected"/>, rewrite or drop what it sends with <see cref="Outgoing"/> (a byzantine
/// node), watch what it sends with <see cref="Sent"/> and what it refused with <see cref="Reported"/>.
/// </summary>
internal sealed class InMemoryConsensusNetwork : IConsensusNetwork
{
    private readonly List<InMemoryConsensusNetwork> _all;
    private readonly Channel<ConsensusMessage> _inbound = Channel.CreateUnbounded<ConsensusMessage>();

    // Who broadcast each message, shared by all endpoints (they receive the same instance), for replies.
    private readonly ConditionalWeakTable<ConsensusMessage, InMemoryConsensusNetwork> _senders;

    private InMemoryConsensusNetwork(List<InMemoryConsensusNetwork> all, ConditionalWeakTable<ConsensusMessage, InMemoryConsensusNetwork> senders)
    {
        _all = all;
        _senders = senders;
    }

    /// <summary><paramref name="count"/> endpoints that all reach each other.</summary>
    public static IReadOnlyList<InMemoryConsensusNetwork> Create(int count)
    {
        var all = new List<InMemoryConsensusNetwork>();
        var senders = new ConditionalWeakTable<ConsensusMessage, InMemoryConsensusNetwork>();
        for (int i = 0; i < count; i++)
        {
            all.Add(new InMemoryConsensusNetwork(all, senders));
        }
        return all;
    }

    public volatile bool Connected = true;

    /// <summary>Rewrites each message this endpoint sends; null drops it.</summary>
    public Func<ConsensusMessage, ConsensusMessage?>? Outgoing { get; set; }

    /// <summary>The messages this endpoint's validator refused as provably bad, with the endpoint that sent each.</summary>
    public ConcurrentQueue<(ConsensusMessage Message, InMemoryConsensusNetwork? From)> Reported { get; } = new();

    public event Action<ConsensusMessage>? Sent;

    public ChannelReader<ConsensusMessage> Inbound => _inbound.Reader;

    public void Broadcast(ConsensusMessage message)
    {
        if (!Connected)
        {
            return;
        }
        if (Outgoing?.Invoke(message) is { } rewritten)
        {
            message = rewritten;
        }
        else if (Outgoing is not null)
        {
            return;
        }
        Sent?.Invoke(message);
        _senders.AddOrUpdate(message, this);
        foreach (var peer in _all)
        {
            if (peer != this && peer.Connected)
            {
                peer._inbound.Writer.TryWrite(message);
            }
        }
    }

    public void Reply(ConsensusMessage request, ConsensusMessage response)
    {
        if (!Connected || !_senders.TryGetValue(request, out var asker))
        {
            return;
        }
        if (Outgoing?.Invoke(response) is { } rewritten)
        {
            response = rewritten;
        }
        else if (Outgoing is not null)
        {
            return;
        }
        Sent?.Invoke(response);
        if (asker.Connected)
        {
            asker._inbound.Writer.TryWrite(response);
        }
    }

    public void ReportInvalid(ConsensusMessage received, string reason) =>
        Reported.Enqueue((received, _senders.TryGetValue(received, out var sender) ? sender : null));
}
