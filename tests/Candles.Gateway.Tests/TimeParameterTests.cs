using Candles.Gateway.Requests;

namespace Candles.Gateway.Tests;

public class TimeParameterTests
{
    private static readonly long NineThirtyUtc = new DateTimeOffset(2026, 3, 1, 9, 30, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    [Theory]
    [InlineData("2026-03-01T09:30:00Z", 0)]
    [InlineData("2026-03-01T09:30Z", 0)]
    [InlineData("2026-03-01t09:30:00z", 0)]
    [InlineData("2026-03-01 09:30:00Z", 0)]
    [InlineData("2026-03-01T09:30:00.250Z", 250)]
    [InlineData("2026-03-01T09:30:00,250Z", 250)]
    [InlineData("2026-03-01T09:30:00.250999999Z", 250)]
    [InlineData("2026-03-01T10:30:00+01:00", 0)]
    [InlineData("2026-03-01T10:30:00+0100", 0)]
    [InlineData("2026-03-01T10:30:00+01", 0)]
    [InlineData("2026-03-01T04:00:00-05:30", 0)]
    [InlineData("20260301T093000Z", 0)]
    [InlineData("20260301T1030+01", 0)]
    [InlineData("1772357400000", 0)]
    public void IsoTimesWithAZoneInEveryFormAndUnixMillisecondsAreRead(string text, long plusMs)
    {
        Assert.True(TimeParameter.TryParse(text, out var unixMs), text);
        Assert.Equal(NineThirtyUtc + plusMs, unixMs);
    }

    [Theory]
    [InlineData("2026-03-01T09:30:00")]
    [InlineData("2026-03-01")]
    [InlineData("2026-03-01T09:30:00+15:00")]
    [InlineData("2026-03-01T09:30:00+01:60")]
    [InlineData("2026-02-30T09:30:00Z")]
    [InlineData("2026-03-01T25:30:00Z")]
    [InlineData("2026-0301T09:30:00Z")]
    [InlineData("20260301T09:30:00Z")]
    [InlineData("Sun, 01 Mar 2026 09:30:00 GMT")]
    [InlineData("03/01/2026 09:30:00 +00:00")]
    [InlineData("٢٠٢٦-03-01T09:30:00Z")]
    [InlineData("0001-01-01T00:00:00+01:00")]
    [InlineData("2026-03-01T09:30:00Z\n")]
    [InlineData("yesterday")]
    [InlineData("")]
    public void TimesWithoutAZoneOrNotIso8601AreRefused(string text) =>
        Assert.False(TimeParameter.TryParse(text, out _), text);
}
