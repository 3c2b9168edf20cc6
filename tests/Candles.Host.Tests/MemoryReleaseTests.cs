using Candles.Host.Operations;

namespace Candles.Host.Tests;

public class MemoryReleaseTests
{
    private const long MiB = 1L << 20;

    [Fact]
    public void MemoryLeftOverFromABurstIsReleasedOnceTheBurstIsOver()
    {
        var release = new MemoryRelease();

        // The first check only learns how much was allocated so far.
        Assert.False(release.ShouldRelease(committedBytes: 400 * MiB, liveBytes: 60 * MiB, allocatedBytes: 5_000 * MiB));

        // During the replay: gigabytes allocated between checks.
        Assert.False(release.ShouldRelease(400 * MiB, 60 * MiB, 7_000 * MiB));

        // After it: 340 MiB unused, 10 MiB allocated since.
        Assert.True(release.ShouldRelease(400 * MiB, 60 * MiB, 7_010 * MiB));

        // Given back: nothing left to release.
        Assert.False(release.ShouldRelease(70 * MiB, 60 * MiB, 7_015 * MiB));
    }

    [Theory]
    [InlineData(100, 60, 1)]     // 40 MiB unused: below the minimum
    [InlineData(400, 310, 1)]    // 90 MiB unused but less than half the live heap
    [InlineData(400, 60, 50)]    // 340 MiB unused, but 50 MiB allocated since the last check: still busy
    public void NothingIsReleasedWhenLittleIsUnusedOrTheProcessIsBusy(long committedMiB, long liveMiB, long allocatedSinceMiB)
    {
        var release = new MemoryRelease();
        release.ShouldRelease(committedMiB * MiB, liveMiB * MiB, 1_000 * MiB);

        Assert.False(release.ShouldRelease(committedMiB * MiB, liveMiB * MiB, (1_000 + allocatedSinceMiB) * MiB));
    }
}
