using System.Text;

namespace Pocc.Client.Events;

/// <summary>One server-sent event: its type ("message" unless named), its data lines joined by '\n', and its id if it had one.</summary>
internal sealed record ServerSentEvent(string Type, string Data, string? Id);

/// <summary>
/// Reads the <c>text/event-stream</c> format (WHATWG HTML, "Server-sent events"): events are blocks of
/// <c>field: value</c> lines ended by a blank line; lines starting with ':' are comments (keep-alives); unknown fields
/// are ignored.
/// </summary>
internal sealed class ServerSentEventReader(TextReader reader)
{
    private readonly StringBuilder _data = new();
    private string? _type;
    private string? _id;

    /// <summary>The next complete event, or null at the end of the stream (an unfinished event there is dropped, as the format says).</summary>
    public async Task<ServerSentEvent?> ReadAsync(CancellationToken cancellationToken)
    {
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
            {
                if (_data.Length > 0 || _type is not null)
                {
                    var completed = new ServerSentEvent(_type ?? "message", _data.Length > 0 ? _data.ToString(0, _data.Length - 1) : "", _id);
                    _data.Clear();
                    _type = null;
                    return completed;
                }
                continue;
            }
            if (line[0] == ':')
            {
                continue;
            }
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            string field = colon < 0 ? line : line[..colon];
            string value = colon < 0 ? "" : line[(colon + 1)..];
            if (value.StartsWith(' '))
            {
                value = value[1..];
            }
            switch (field)
            {
                case "event":
                    _type = value;
                    break;
                case "data":
                    _data.Append(value).Append('\n');
                    break;
                case "id" when !value.Contains('\0', StringComparison.Ordinal):
                    _id = value;
                    break;
            }
        }
        return null;
    }
}
