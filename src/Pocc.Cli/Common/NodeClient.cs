using System.CommandLine;
using Pocc.Client;

namespace Pocc.Cli.Common;

/// <summary>How commands talk to a node: a <see cref="PoccClient"/> for --node, and its errors as CLI errors.</summary>
public static class NodeClient
{
    /// <summary>A client for the node at <paramref name="url"/>; a URL that is not http(s) is a CLI error.</summary>
    public static PoccClient Connect(string url)
    {
        try
        {
            return new PoccClient(url);
        }
        catch (ArgumentException)
        {
            throw new CliException($"'{url}' is not an http(s) URL");
        }
    }

    /// <summary>
    /// <paramref name="action"/> with the node's refusals and failures turned into <see cref="CliException"/>s (see
    /// <see cref="CliException.From"/>), so every command reports them with the same exit codes.
    /// </summary>
    public static Func<ParseResult, CancellationToken, Task<int>> Action(Func<ParseResult, CancellationToken, Task<int>> action) =>
        async (result, cancellationToken) =>
        {
            try
            {
                return await action(result, cancellationToken).ConfigureAwait(false);
            }
            catch (PoccClientException e)
            {
                throw CliException.From(e);
            }
        };
}
