using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Candles.Testing;

/// <summary>
/// Free TCP ports on the loopback, so servers started by tests never collide. Taken at random below Linux's
/// ephemeral range (32768-60999), not from the kernel's port 0: the kernel hands those same ports to outgoing
/// connections and to every other test process, so a port chosen now and bound a moment later (or again after a
/// restart) could already be taken. No port is handed out twice, even by two test processes: each is claimed by a
/// lock on a file named after it, held until the process ends (the kernel drops a killed process's locks).
/// </summary>
public static class LoopbackPorts
{
    private const int Lowest = 20_000;
    private const int Highest = 32_000;
    private static readonly ConcurrentDictionary<int, bool> HandedOut = new();
    private static readonly ConcurrentBag<FileStream> Claims = [];

    /// <summary>Where the test processes of this machine claim their ports.</summary>
    public static string ClaimsFolder { get; } = Path.Combine(Path.GetTempPath(), "candles-test-ports");

    public static int Free()
    {
        Directory.CreateDirectory(ClaimsFolder);
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var port = Random.Shared.Next(Lowest, Highest);
            if (!HandedOut.TryAdd(port, true) || !TryClaim(port))
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

    /// <summary>Locks the port's file for this process (.NET takes flock's exclusive lock for <see cref="FileShare.None"/>); false if another holds it.</summary>
    public static bool TryClaim(int port)
    {
        try
        {
            Claims.Add(new FileStream(Path.Combine(ClaimsFolder, $"{port}.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Held by another process, or a file of another user's: either way not ours.
            return false;
        }
    }
}
