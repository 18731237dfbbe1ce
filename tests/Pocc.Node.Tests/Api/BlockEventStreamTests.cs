using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Pocc.Node.Tests.Builders;

namespace Pocc.Node.Tests.Api;

/// <summary>GET /v1/events/blocks: server-sent events, one "block" event per finalized block.</summary>
public sealed class BlockEventStreamTests : IClassFixture<NodeFixture>
{
    private readonly NodeFixture _fixture;

    public BlockEventStreamTests(NodeFixture fixture) => _fixture = fixture;

    private TestNode Node => _fixture.Node;

    [Fact]
    public async Task Streams_consecutive_block_events_that_match_the_stored_blocks()
    {
        using var timeout = new CancellationTokenSource(TestNode.Timeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/events/blocks");
        using var response = await Node.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoCache, "an event stream must not be cached");

        List<ServerSentEvent> events;
        await using (var stream = await response.Content.ReadAsStreamAsync(timeout.Token))
        {
            events = await ReadEventsAsync(stream, count: 2, timeout.Token);
        }

        Assert.All(events, e => Assert.Equal("block", e.Event));
        var blocks = events.Select(e => JsonDocument.Parse(e.Data).RootElement.Clone()).ToList();
        Assert.Equal(blocks[0].U64("height") + 1, blocks[1].U64("height"));
        for (int i = 0; i < events.Count; i++)
        {
            ulong height = blocks[i].U64("height");
            Assert.Equal(height.ToString(System.Globalization.CultureInfo.InvariantCulture), events[i].Id);
            var stored = await Node.GetJsonAsync($"/v1/blocks/{height}");
            var header = stored.GetProperty("header");
            Assert.Equal(stored.Str("hash"), blocks[i].Str("hash"));
            Assert.Equal(header.Str("state_root"), blocks[i].Str("state_root"));
            Assert.Equal(header.Str("proposer"), blocks[i].Str("proposer"));
            Assert.Equal(header.U64("timestamp_ms"), blocks[i].U64("timestamp_ms"));
            Assert.Equal(header.U64("transaction_count"), blocks[i].U64("transaction_count"));
            Assert.True(blocks[i].TryGetProperty("finality_ms_p50", out _));
        }
        Assert.Equal(blocks[0].Str("hash"), (await Node.GetJsonAsync($"/v1/blocks/{blocks[1].U64("height")}")).GetProperty("header").Str("previous_hash"));
    }

    [Fact]
    public async Task Ends_open_streams_promptly_when_the_node_stops()
    {
        await using var node = await TestNode.StartAsync();
        using var client = new HttpClient { BaseAddress = node.Http.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/events/blocks");
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(stream);
        Assert.Equal(": connected", await reader.ReadLineAsync());

        var stopping = Stopwatch.StartNew();
        await node.StopAsync().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(5), $"stopping took {stopping.Elapsed}");
        using var drained = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            while (await reader.ReadLineAsync(drained.Token) is not null)
            {
            }
        }
        catch (IOException)
        {
            // An aborted connection also ends the stream.
        }
    }

    private sealed record ServerSentEvent(string? Event, string? Id, string Data);

    /// <summary>Parses the text/event-stream format: "field: value" lines, events ended by a blank line, ':' comments.</summary>
    private static async Task<List<ServerSentEvent>> ReadEventsAsync(Stream stream, int count, CancellationToken cancellationToken)
    {
        var events = new List<ServerSentEvent>();
        using var reader = new StreamReader(stream);
        string? name = null, id = null;
        var data = new List<string>();
        while (events.Count < count)
        {
            string line = await reader.ReadLineAsync(cancellationToken) ?? throw new EndOfStreamException("the event stream ended");
            if (line.Length == 0)
            {
                if (data.Count > 0)
                {
                    events.Add(new ServerSentEvent(name, id, string.Join('\n', data)));
                }
                (name, id) = (null, null);
                data.Clear();
                continue;
            }
            if (line.StartsWith(':'))
            {
                continue;
            }
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            string field = colon < 0 ? line : line[..colon];
            string value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
            switch (field)
            {
                case "event": name = value; break;
                case "id": id = value; break;
                case "data": data.Add(value); break;
            }
        }
        return events;
    }
}
