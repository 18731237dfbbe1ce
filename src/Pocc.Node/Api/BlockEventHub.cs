using System.Threading.Channels;

namespace Pocc.Node.Api;

/// <summary>
/// Fans finalized-block events out to server-sent-event subscribers. Each subscriber has a small bounded
/// queue; a subscriber too slow to keep up loses its oldest events rather than slowing the node.
/// </summary>
public sealed class BlockEventHub
{
    private const int QueueLength = 256;
    private readonly Lock _lock = new();
    private readonly List<Channel<BlockEventModel>> _subscribers = [];

    public int SubscriberCount { get { lock (_lock) { return _subscribers.Count; } } }

    public void Publish(BlockEventModel block)
    {
        lock (_lock)
        {
            foreach (var channel in _subscribers)
            {
                channel.Writer.TryWrite(block);
            }
        }
    }

    public ChannelReader<BlockEventModel> Subscribe(CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<BlockEventModel>(new BoundedChannelOptions(QueueLength)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        lock (_lock)
        {
            _subscribers.Add(channel);
        }
        cancellationToken.Register(() =>
        {
            lock (_lock)
            {
                _subscribers.Remove(channel);
            }
            channel.Writer.TryComplete();
        });
        return channel.Reader;
    }
}
