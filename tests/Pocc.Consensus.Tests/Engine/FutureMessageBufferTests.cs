using Pocc.Consensus.Engine.Bft;
using Pocc.Ledger.Primitives;

namespace Pocc.Consensus.Tests.Engine;

public sealed class FutureMessageBufferTests
{
    private static BlockRequest At(ulong height) => new(new Height(height));

    [Fact]
    public void Take_returns_the_heights_messages_in_order_and_drops_earlier_heights()
    {
        var buffer = new FutureMessageBuffer(maxMessages: 10, maxHeightsAhead: 4);
        var current = new Height(1);
        buffer.Add(At(2), current);
        buffer.Add(At(3), current);
        var second = new BlockRequest(new Height(3));
        buffer.Add(second, current);

        Assert.Equal([At(3), second], buffer.Take(new Height(3)));
        Assert.Empty(buffer.Take(new Height(2)));
    }

    [Fact]
    public void Refuses_messages_too_far_ahead_or_beyond_its_capacity()
    {
        var buffer = new FutureMessageBuffer(maxMessages: 2, maxHeightsAhead: 2);
        var current = new Height(1);

        Assert.False(buffer.Add(At(4), current));
        Assert.True(buffer.Add(At(3), current));
        Assert.True(buffer.Add(At(2), current));
        Assert.False(buffer.Add(At(2), current));

        buffer.Take(new Height(2));
        Assert.True(buffer.Add(At(3), current));
    }
}
