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
        Assert.False(release.ShouldRelease(committedBytes: 400 * MiB, liveBytes: 60 * MiB, allocatedBytes: 5_000 * MiB, At(0)));

        // During the replay: gigabytes allocated between checks.
        Assert.False(release.ShouldRelease(400 * MiB, 60 * MiB, 7_000 * MiB, At(20)));

        // After it: 340 MiB unused, 10 MiB allocated since.
        Assert.True(release.ShouldRelease(400 * MiB, 60 * MiB, 7_010 * MiB, At(40)));

        // Given back: nothing left to release.
        Assert.False(release.ShouldRelease(70 * MiB, 60 * MiB, 7_015 * MiB, At(60)));
    }

    [Fact]
    public void AnotherBurstSoonAfterWaitsForTheMinimumInterval()
    {
        var release = new MemoryRelease();
        release.ShouldRelease(400 * MiB, 60 * MiB, 1_000 * MiB, At(0));
        Assert.True(release.ShouldRelease(400 * MiB, 60 * MiB, 1_001 * MiB, At(20)));

        // A second burst left as much unused a minute later: not before five minutes from the first release.
        release.ShouldRelease(400 * MiB, 60 * MiB, 3_000 * MiB, At(60));
        Assert.False(release.ShouldRelease(400 * MiB, 60 * MiB, 3_001 * MiB, At(80)));
        Assert.True(release.ShouldRelease(400 * MiB, 60 * MiB, 3_002 * MiB, At(20 + 300)));
    }

    [Fact]
    public void AQuarterOfTheLiveHeapUnusedIsWorthReleasing()
    {
        // 100 MiB unused beside 240 MiB live: more than a quarter of it, less than a half.
        var release = new MemoryRelease();
        release.ShouldRelease(340 * MiB, 240 * MiB, 1_000 * MiB, At(0));

        Assert.True(release.ShouldRelease(340 * MiB, 240 * MiB, 1_001 * MiB, At(20)));
    }

    [Theory]
    [InlineData(50, 20, 1)]      // 30 MiB unused (more than a quarter of the live heap): below the minimum
    [InlineData(400, 330, 1)]    // 70 MiB unused but less than a quarter of the live heap
    [InlineData(400, 60, 90)]    // 340 MiB unused, but 90 MiB allocated since the last check: still busy
    public void NothingIsReleasedWhenLittleIsUnusedOrTheProcessIsBusy(long committedMiB, long liveMiB, long allocatedSinceMiB)
    {
        var release = new MemoryRelease();
        release.ShouldRelease(committedMiB * MiB, liveMiB * MiB, 1_000 * MiB, At(0));

        Assert.False(release.ShouldRelease(committedMiB * MiB, liveMiB * MiB, (1_000 + allocatedSinceMiB) * MiB, At(20)));
    }

    private static TimeSpan At(int seconds) => TimeSpan.FromSeconds(seconds);
}
