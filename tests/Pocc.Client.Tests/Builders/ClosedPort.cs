using System.Net;
using System.Net.Sockets;

namespace Pocc.Client.Tests.Builders;

/// <summary>A loopback URL where nothing listens (a port the OS just handed out and that was released).</summary>
public static class ClosedPort
{
    public static string Url()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}";
    }
}
