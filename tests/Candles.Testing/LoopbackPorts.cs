using System.Net;
using System.Net.Sockets;

namespace Candles.Testing;

/// <summary>Free TCP ports on the loopback, so servers started by tests never collide.</summary>
public static class LoopbackPorts
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
