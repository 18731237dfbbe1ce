using System.Net;
using System.Net.Sockets;

namespace Pocc.Cli.Tests.EndToEnd;

/// <summary>Loopback ports nobody listens on (at the moment of asking).</summary>
internal static class FreePort
{
    public static int Next()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public static string NextUrl() => $"http://127.0.0.1:{Next()}";
}
