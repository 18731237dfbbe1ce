using Pocc.Client.Events;

namespace Pocc.Client.Tests.Events;

/// <summary>The text/event-stream format as the WHATWG specification states it.</summary>
public sealed class ServerSentEventReaderTests
{
    [Fact]
    public async Task Reads_typed_events_with_ids_skipping_comments_and_joining_data_lines()
    {
        const string text = ": connected\n\nevent: block\nid: 7\ndata: {\"a\":\ndata:1}\n\n: keep-alive\n\r\ndata: plain\r\n\r\nevent: block\ndata: cut off";
        var reader = new ServerSentEventReader(new StringReader(text));

        var first = await reader.ReadAsync(CancellationToken.None);
        var second = await reader.ReadAsync(CancellationToken.None);
        var end = await reader.ReadAsync(CancellationToken.None);

        Assert.Equal(new ServerSentEvent("block", "{\"a\":\n1}", "7"), first);
        // The last id persists until another is sent, as the format says.
        Assert.Equal(new ServerSentEvent("message", "plain", "7"), second);
        Assert.Null(end);
    }
}
