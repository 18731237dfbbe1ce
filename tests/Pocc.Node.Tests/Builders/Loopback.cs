using System.Net;
using System.Net.Sockets;

namespace Pocc.Node.Tests.Builders;

/// <summary>What the tests that run a node against a real peer on 127.0.0.1 share.</summary>
internal static class Loopback
{
    /// <summary>A port free on 127.0.0.1 a moment ago (the OS picks it), for a peer's listener.</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; throws when <see cref="TestNode.Timeout"/> runs out.</summary>
    public static async Task WaitUntil(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TestNode.Timeout);
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}
