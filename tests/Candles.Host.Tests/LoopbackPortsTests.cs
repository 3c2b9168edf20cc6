using System.Diagnostics;
using Candles.Testing;

namespace Candles.Host.Tests;

/// <summary>The test processes' ports: one handed out here is held against every other process.</summary>
public class LoopbackPortsTests
{
    [Fact]
    public async Task APortHandedOutIsClaimedAgainstOtherProcesses()
    {
        var port = LoopbackPorts.Free();
        var claim = Path.Combine(LoopbackPorts.ClaimsFolder, $"{port}.lock");

        Assert.False(LoopbackPorts.TryClaim(port), "the port's claim could be taken twice");

        // Another process (flock(1), the same advisory lock) cannot take it while this one lives.
        Assert.Equal(1, await FlockAsync(claim));
    }

    /// <summary>flock -n on the file for its own short life: 0 if it got the lock, 1 if another holds it.</summary>
    private static async Task<int> FlockAsync(string path)
    {
        using var flock = Process.Start(new ProcessStartInfo("flock", ["-n", "-E", "1", path, "true"]) { UseShellExecute = false })!;
        await flock.WaitForExitAsync();
        return flock.ExitCode;
    }
}
