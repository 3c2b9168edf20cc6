using Microsoft.Extensions.Time.Testing;

namespace Candles.Grains.Tests;

/// <summary>Each corrected sealed day is kept for the hold after its own last correction, not for as long as any day is corrected.</summary>
public class CorrectedDayKeepTests
{
    [Fact]
    public void EachDayIsKeptForTheHoldAfterItsOwnLastCorrection()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-04-08T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var keep = new CorrectedDayKeep(clock, TimeSpan.FromMinutes(3));
        const long first = 1_000_000, second = 2_000_000;
        Assert.Equal(long.MinValue, keep.KeptFromMs());

        // The earlier day's hold is over though the later one was corrected since: the keep moves on to the later day.
        keep.Keep(first);
        clock.Advance(TimeSpan.FromMinutes(2));
        keep.Keep(second);
        Assert.Equal(first, keep.KeptFromMs());
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(second, keep.KeptFromMs());

        // A correction renews its own day's hold only.
        keep.Keep(second);
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(second, keep.KeptFromMs());
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(long.MinValue, keep.KeptFromMs());
    }

    [Fact]
    public void ANewActivationResumesTheHoldsWithTheTimeTheyHadLeft()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-04-08T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var before = new CorrectedDayKeep(clock, TimeSpan.FromMinutes(3));
        const long first = 1_000_000, second = 2_000_000;
        before.Keep(first);
        clock.Advance(TimeSpan.FromMinutes(2));
        before.Keep(second);
        var held = before.Held();

        // A minute later, in another activation: the first day has no time left, the second two minutes.
        clock.Advance(TimeSpan.FromMinutes(1));
        var after = new CorrectedDayKeep(clock, TimeSpan.FromMinutes(3));
        after.Resume(held);
        Assert.Equal(second, after.KeptFromMs());
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(long.MinValue, after.KeptFromMs());
        Assert.Empty(after.Held());
    }
}
