using System.Text;
using System.Text.Json;
using Pocc.Client.Models;

namespace Pocc.Client.Events;

/// <summary>One open connection to <c>/v1/events/blocks</c>, read event by event.</summary>
internal sealed class BlockEventStream(HttpResponseMessage response, Stream body, Uri node) : IDisposable
{
    private readonly ServerSentEventReader _events = new(new StreamReader(body, Encoding.UTF8));

    /// <summary>
    /// The next block, or null when the stream ended, broke off, stayed silent beyond <paramref name="idleTimeout"/>, or
    /// <paramref name="cancellationToken"/> was cancelled. A block event whose data is not a block throws.
    /// </summary>
    public async Task<BlockEventModel?> ReadBlockAsync(TimeSpan idleTimeout, CancellationToken cancellationToken)
    {
        while (true)
        {
            ServerSentEvent? next;
            using (var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                idle.CancelAfter(idleTimeout);
                try
                {
                    next = await _events.ReadAsync(idle.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException)
                {
                    return null;
                }
            }
            if (next is null)
            {
                return null;
            }
            if (next.Type != "block")
            {
                continue;
            }
            try
            {
                return JsonSerializer.Deserialize<BlockEventModel>(next.Data, PoccJson.Options) ?? throw new JsonException("the data is null");
            }
            catch (JsonException e)
            {
                throw new PoccClientException($"the node at {node} sent a block event that is not the expected JSON: {e.Message}", e);
            }
        }
    }

    public void Dispose()
    {
        body.Dispose();
        response.Dispose();
    }
}
