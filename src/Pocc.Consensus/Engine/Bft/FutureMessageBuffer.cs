using Pocc.Ledger.Primitives;

namespace Pocc.Consensus.Engine.Bft;

/// <summary>
/// Messages for heights this node has not reached yet. Peers that finished a height first start the next one at
/// once; dropping their votes would leave this node a round behind, so they wait here, within bounds a faulty peer
/// cannot stretch.
/// </summary>
internal sealed class FutureMessageBuffer(int maxMessages, int maxHeightsAhead)
{
    private readonly SortedDictionary<Height, List<ConsensusMessage>> _byHeight = [];
    private int _count;

    /// <summary>Keeps <paramref name="message"/> unless the buffer is full or it is too far ahead of <paramref name="current"/>.</summary>
    public bool Add(ConsensusMessage message, Height current)
    {
        if (_count >= maxMessages || message.Height.Value - current.Value > (ulong)maxHeightsAhead)
        {
            return false;
        }
        if (!_byHeight.TryGetValue(message.Height, out var messages))
        {
            _byHeight[message.Height] = messages = [];
        }
        messages.Add(message);
        _count++;
        return true;
    }

    /// <summary>Removes and returns what was kept for <paramref name="height"/>, dropping anything for earlier heights.</summary>
    public IReadOnlyList<ConsensusMessage> Take(Height height)
    {
        List<ConsensusMessage> taken = [];
        foreach (var stale in _byHeight.Keys.Where(h => h <= height).ToArray())
        {
            if (stale == height)
            {
                taken = _byHeight[stale];
            }
            _count -= _byHeight[stale].Count;
            _byHeight.Remove(stale);
        }
        return taken;
    }
}
