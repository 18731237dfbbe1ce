using Pocc.Client.Models;
using Pocc.Node.Tests.Builders;

namespace Pocc.Client.Tests.Events;

/// <summary><see cref="PoccClient.StreamBlocksAsync"/> against a real node: live blocks, cancellation, reconnection.</summary>
public sealed class BlockStreamTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    [Fact]
    public async Task Yields_each_new_block_as_the_node_stores_it()
    {
        using var client = new PoccClient(fixture.Node.Http.BaseAddress!);
        using var timeout = new CancellationTokenSource(TestNode.Timeout);

        var blocks = await TakeAsync(client.StreamBlocksAsync(timeout.Token), 3);

        Assert.Equal(blocks[0].Height + 1, blocks[1].Height);
        Assert.Equal(blocks[1].Height + 1, blocks[2].Height);
        foreach (var block in blocks)
        {
            var stored = await client.GetBlockAsync(block.Height, cancellationToken: timeout.Token);
            Assert.Equal(stored.Hash, block.Hash);
            Assert.Equal(stored.Header.StateRoot, block.StateRoot);
        }
    }

    [Fact]
    public async Task Ends_quietly_when_cancelled()
    {
        using var client = new PoccClient(fixture.Node.Http.BaseAddress!);
        using var stop = new CancellationTokenSource();
        int seen = 0;

        await foreach (var block in client.StreamBlocksAsync(stop.Token).WithCancellation(CancellationToken.None).ConfigureAwait(false))
        {
            seen++;
            await stop.CancelAsync();
        }

        Assert.Equal(1, seen);
    }

    [Fact]
    public async Task Reconnects_after_the_node_restarts_and_never_repeats_a_height()
    {
        await using var node = await TestNode.StartAsync();
        string url = node.Http.BaseAddress!.ToString();
        using var client = new PoccClient(url);
        using var timeout = new CancellationTokenSource(TestNode.Timeout * 2);
        await using var stream = client.StreamBlocksAsync(timeout.Token).GetAsyncEnumerator(timeout.Token);

        Assert.True(await stream.MoveNextAsync());
        ulong before = stream.Current.Height;
        await node.StopAsync();
        await node.StartAppAsync(new Dictionary<string, string?> { ["Node:ApiUrl"] = url.TrimEnd('/') });

        Assert.True(await stream.MoveNextAsync());
        Assert.True(stream.Current.Height > before, $"height {stream.Current.Height} after {before}");
    }

    private static async Task<List<BlockEventModel>> TakeAsync(IAsyncEnumerable<BlockEventModel> stream, int count)
    {
        var taken = new List<BlockEventModel>();
        await foreach (var block in stream)
        {
            taken.Add(block);
            if (taken.Count == count)
            {
                break;
            }
        }
        return taken;
    }
}
