using Candles.Core.Ticks;

namespace Candles.Core.Tests;

public class TickTimeTests
{
    private static readonly long Now = TestTicks.Us("2026-03-01T10:00:00Z");
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(2);

    [Fact]
    public void ATimeFrom2009UpToTheClockPlusTheSkewIsAccepted()
    {
        Assert.Null(TickTime.Refusal(TickTime.EarliestUs, Now, Skew));
        Assert.Null(TickTime.Refusal(Now, Now, Skew));
        Assert.Null(TickTime.Refusal(Now + 2_000_000, Now, Skew));
    }

    [Fact]
    public void ATimeBefore2009IsRefusedWithItsDate() =>
        Assert.Equal("time 2008-12-31T23:59:59.999Z is before 2009-01-01", TickTime.Refusal(TickTime.EarliestUs - 1000, Now, Skew));

    [Fact]
    public void ATimeBeyondTheCalendarIsRefusedInMicroseconds()
    {
        const long firstDayOfYearOneUs = -62_135_596_800_000_000;
        Assert.Equal("time 0001-01-01T00:00:00.000Z is before 2009-01-01", TickTime.Refusal(firstDayOfYearOneUs, Now, Skew));
        Assert.Equal($"time {firstDayOfYearOneUs - 1000} µs is before 2009-01-01", TickTime.Refusal(firstDayOfYearOneUs - 1000, Now, Skew));
        Assert.Equal($"time {long.MinValue} µs is before 2009-01-01", TickTime.Refusal(long.MinValue, Now, Skew));
    }

    [Fact]
    public void ATimeInNanosecondsIsRefusedAsSuch()
    {
        var nanoseconds = Now * 1000;
        Assert.Contains("looks like Unix nanoseconds", TickTime.Refusal(nanoseconds, Now, Skew), StringComparison.Ordinal);
        Assert.Contains("looks like Unix nanoseconds", TickTime.Refusal(TickTime.NanosecondThreshold, Now, Skew), StringComparison.Ordinal);
        Assert.DoesNotContain("nanoseconds", TickTime.Refusal(TickTime.NanosecondThreshold - 1, Now, Skew), StringComparison.Ordinal);
    }

    [Fact]
    public void ATimeMoreThanTheSkewPastTheClockIsRefusedWithBothTimes() =>
        Assert.Equal(
            "time 2026-03-01T10:00:02.000Z is more than 00:00:02 past the service's clock (2026-03-01T10:00:00.000Z)",
            TickTime.Refusal(Now + 2_000_001, Now, Skew));
}
