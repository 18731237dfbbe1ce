using System.Globalization;
using System.Net;

namespace Pocc.Node.P2p;

/// <summary>Parses the <c>host:port</c> of a peer or listen address (an IPv6 literal in brackets: <c>[::1]:26656</c>).</summary>
public static class PeerAddress
{
    /// <summary>An IP endpoint, or a DNS one for a host name; false for anything without a host and a port in 1–65535.</summary>
    public static bool TryParse(string? text, out EndPoint endPoint)
    {
        endPoint = null!;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        if (IPEndPoint.TryParse(text, out var ip) && ip.Port is > 0 and <= IPEndPoint.MaxPort && text.Contains(':', StringComparison.Ordinal)
            && (ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6 || text.StartsWith('[')))
        {
            endPoint = ip;
            return true;
        }
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > IPEndPoint.MaxPort)
        {
            return false;
        }
        var host = text[..colon];
        if (Uri.CheckHostName(host) != UriHostNameType.Dns)
        {
            return false;
        }
        endPoint = new DnsEndPoint(host, port);
        return true;
    }
}
