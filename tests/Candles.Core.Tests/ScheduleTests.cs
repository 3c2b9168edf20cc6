using Candles.Core.Timeframes;
using static Candles.Core.Tests.TestTicks;

namespace Candles.Core.Tests;

public class ScheduleTests
{
    [Fact]
    public void SevenMinuteBarsRestartAtUtcMidnight()
    {
        var schedule = Schedule("7m");
        Assert.Equal(new BarPeriod(Ms("2026-03-01T23:55:00Z"), Ms("2026-03-02T00:00:00Z")), schedule.PeriodOf(Ms("2026-03-01T23:59:59.999Z")));
        Assert.Equal(new BarPeriod(Ms("2026-03-02T00:00:00Z"), Ms("2026-03-02T00:07:00Z")), schedule.PeriodOf(Ms("2026-03-02T00:00:00Z")));
        Assert.Equal(new BarPeriod(Ms("2026-03-01T23:48:00Z"), Ms("2026-03-01T23:55:00Z")), schedule.PeriodOf(Ms("2026-03-01T23:54:59Z")));
    }

    [Fact]
    public void ElevenHourBarsCutTheLastBarAtMidnight()
    {
        var schedule = Schedule("11h");
        Assert.Equal(new BarPeriod(Ms("2026-03-01T22:00:00Z"), Ms("2026-03-02T00:00:00Z")), schedule.PeriodOf(Ms("2026-03-01T23:30:00Z")));
        Assert.Equal(new BarPeriod(Ms("2026-03-02T11:00:00Z"), Ms("2026-03-02T22:00:00Z")), schedule.PeriodOf(Ms("2026-03-02T11:00:00Z")));
    }

    [Fact]
    public void IntradayBarsIgnoreTheZone()
    {
        var utc = Schedule("4h");
        var newYork = Schedule("4h", "America/New_York");
        var t = Ms("2026-03-08T07:30:00Z");
        Assert.Equal(utc.PeriodOf(t), newYork.PeriodOf(t));
        Assert.Equal(Ms("2026-03-08T04:00:00Z"), newYork.PeriodOf(t).StartMs);
    }

    [Fact]
    public void BarsAreHalfOpenSoTheEndBelongsToTheNextBar()
    {
        var schedule = Schedule("15m");
        var period = schedule.PeriodOf(Ms("2026-03-01T10:14:59.999Z"));
        Assert.False(period.Contains(period.EndMs));
        Assert.Equal(period.EndMs, schedule.PeriodOf(period.EndMs).StartMs);
    }

    [Fact]
    public void ABarHoldsItsOwnStartButNotTheMillisecondBefore()
    {
        var period = Schedule("1m").PeriodOf(Ms("2026-03-01T10:00:30Z"));
        Assert.True(period.Contains(period.StartMs));
        Assert.False(period.Contains(period.StartMs - 1));
        Assert.True(period.Contains(period.EndMs - 1));
    }

    [Theory]
    [InlineData(-1, -60_000, 0)]
    [InlineData(-86_400_000, -86_400_000, -86_340_000)]
    [InlineData(-86_400_001, -86_460_000, -86_400_000)]
    public void IntradayBarsBeforeTheEpochStillRestartAtUtcMidnight(long timeMs, long startMs, long endMs) =>
        Assert.Equal(new BarPeriod(startMs, endMs), Schedule("1m").PeriodOf(timeMs));

    [Fact]
    public void SevenMinuteBarsBeforeTheEpochAreCutAtMidnightToo() =>
        Assert.Equal(new BarPeriod(-300_000, 0), Schedule("7m").PeriodOf(-1));

    [Fact]
    public void ACalendarScheduleRefusesAnIntradayTimeframe()
    {
        var error = Assert.Throws<ArgumentException>(() => new CalendarSchedule(Timeframe.Parse("4h"), NodaTime.DateTimeZone.Utc));
        Assert.Contains("4h is not a calendar timeframe", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NewYorkSpringForwardDayLasts23Hours()
    {
        var day = Schedule("1d", "America/New_York").PeriodOf(Ms("2026-03-08T12:00:00Z"));
        Assert.Equal(Ms("2026-03-08T05:00:00Z"), day.StartMs);
        Assert.Equal(Ms("2026-03-09T04:00:00Z"), day.EndMs);
    }

    [Fact]
    public void NewYorkFallBackDayLasts25Hours()
    {
        var day = Schedule("1d", "America/New_York").PeriodOf(Ms("2026-11-01T12:00:00Z"));
        Assert.Equal(Ms("2026-11-01T04:00:00Z"), day.StartMs);
        Assert.Equal(Ms("2026-11-02T05:00:00Z"), day.EndMs);
    }

    [Fact]
    public void SydneyAutumnDayLasts25HoursAndSpringDay23Hours()
    {
        var sydney = Schedule("1d", "Australia/Sydney");
        var autumn = sydney.PeriodOf(Ms("2026-04-05T00:00:00Z"));
        Assert.Equal(Ms("2026-04-04T13:00:00Z"), autumn.StartMs);
        Assert.Equal(Ms("2026-04-05T14:00:00Z"), autumn.EndMs);
        var spring = sydney.PeriodOf(Ms("2026-10-04T00:00:00Z"));
        Assert.Equal(Ms("2026-10-03T14:00:00Z"), spring.StartMs);
        Assert.Equal(Ms("2026-10-04T13:00:00Z"), spring.EndMs);
    }

    [Fact]
    public void SantiagoDayStartsWhenTheClockJumpsOverMidnight()
    {
        // Chile moves its clocks from 00:00 to 01:00, so 2026-09-06 has no local midnight.
        var day = Schedule("1d", "America/Santiago").PeriodOf(Ms("2026-09-06T12:00:00Z"));
        Assert.Equal(Ms("2026-09-06T04:00:00Z"), day.StartMs);
        Assert.Equal(Ms("2026-09-07T03:00:00Z"), day.EndMs);
        Assert.Equal(day.StartMs, Schedule("1d", "America/Santiago").PeriodOf(day.StartMs - 1).EndMs);
    }

    [Fact]
    public void SamoasDaySkippedWholeIsNoBarAndTheDayBeforeEndsWhenTheClockJumped()
    {
        // Samoa went from 2011-12-29 23:59:59 (UTC-10) to 2011-12-31 00:00 (UTC+14): 2011-12-30 never began there.
        var days = Schedule("1d", "Pacific/Apia");
        var before = days.PeriodOf(Ms("2011-12-30T09:59:59.999Z"));
        Assert.Equal(new BarPeriod(Ms("2011-12-29T10:00:00Z"), Ms("2011-12-30T10:00:00Z")), before);
        Assert.Equal(new BarPeriod(Ms("2011-12-30T10:00:00Z"), Ms("2011-12-31T10:00:00Z")), days.PeriodOf(before.EndMs));
        Assert.Equal(new BarPeriod(Ms("2011-12-26T10:00:00Z"), Ms("2012-01-01T10:00:00Z")), Schedule("1w", "Pacific/Apia").PeriodOf(before.StartMs));
    }

    [Theory]
    [InlineData("UTC", "2026-03-01T23:59:59Z", "2026-02-23T00:00:00Z", "2026-03-02T00:00:00Z")]
    [InlineData("Asia/Tokyo", "2026-03-01T14:59:59Z", "2026-02-22T15:00:00Z", "2026-03-01T15:00:00Z")]
    [InlineData("America/New_York", "2026-03-08T12:00:00Z", "2026-03-02T05:00:00Z", "2026-03-09T04:00:00Z")]
    [InlineData("Australia/Sydney", "2026-04-06T00:00:00Z", "2026-04-05T14:00:00Z", "2026-04-12T14:00:00Z")]
    public void WeeksStartOnMondayAtLocalMidnight(string zone, string at, string start, string end)
    {
        var week = Schedule("1w", zone).PeriodOf(Ms(at));
        Assert.Equal(new BarPeriod(Ms(start), Ms(end)), week);
    }

    [Theory]
    [InlineData("UTC", "2026-02-28T23:59:59Z", "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z")]
    [InlineData("Asia/Kolkata", "2026-02-28T18:30:00Z", "2026-02-28T18:30:00Z", "2026-03-31T18:30:00Z")]
    [InlineData("America/New_York", "2026-03-15T00:00:00Z", "2026-03-01T05:00:00Z", "2026-04-01T04:00:00Z")]
    [InlineData("UTC", "2028-02-29T12:00:00Z", "2028-02-01T00:00:00Z", "2028-03-01T00:00:00Z")]
    [InlineData("Australia/Sydney", "2026-12-31T13:00:00Z", "2026-12-31T13:00:00Z", "2027-01-31T13:00:00Z")]
    public void MonthsStartOnTheFirstAtLocalMidnight(string zone, string at, string start, string end)
    {
        var month = Schedule("1M", zone).PeriodOf(Ms(at));
        Assert.Equal(new BarPeriod(Ms(start), Ms(end)), month);
    }
}
