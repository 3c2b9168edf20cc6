using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Candles.Testing;

/// <summary>
/// Free TCP ports on the loopback, so servers started by tests never collide. Taken at random below Linux's
/// ephemeral range (32768-60999), not from the kernel's port 0: the kernel hands those same ports to outgoing
/// connections and to every other test process, so a port chosen now and bound a moment later (or again after a
/// restart) could already be taken. A port is never handed out twice by one process.
/// </summary>
public static class LoopbackPorts
{
    private const int Lowest = 20_000;
    private const int Highest = 32_000;
    private static readonly ConcurrentDictionary<int, bool> HandedOut = new();

    public static int Free()
    {
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var port = Random.Shared.Next(Lowest, Highest);
            if (!HandedOut.TryAdd(port, true))
            {
                continue;
            }

            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // In use by another process: try another.
            }
        }

        throw new InvalidOperationException($"no free loopback port between {Lowest} and {Highest}");
    }
}
