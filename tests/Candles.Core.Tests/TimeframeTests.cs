using Candles.Core.Timeframes;

namespace Candles.Core.Tests;

public class TimeframeTests
{
    [Theory]
    [InlineData("1m", TimeframeUnit.Minute, 1)]
    [InlineData("1440m", TimeframeUnit.Minute, 1440)]
    [InlineData("90m", TimeframeUnit.Minute, 90)]
    [InlineData("24h", TimeframeUnit.Hour, 24)]
    [InlineData("1d", TimeframeUnit.Day, 1)]
    [InlineData("1w", TimeframeUnit.Week, 1)]
    [InlineData("1M", TimeframeUnit.Month, 1)]
    public void ValidNamesParseAndRoundTrip(string name, TimeframeUnit unit, int count)
    {
        var timeframe = Timeframe.Parse(name);
        Assert.Equal(unit, timeframe.Unit);
        Assert.Equal(count, timeframe.Count);
        Assert.Equal(name, timeframe.Name);
    }

    [Theory]
    [InlineData("0m")]
    [InlineData("1441m")]
    [InlineData("25h")]
    [InlineData("0h")]
    [InlineData("2d")]
    [InlineData("2w")]
    [InlineData("3M")]
    [InlineData("1y")]
    [InlineData("15")]
    [InlineData("m")]
    [InlineData("05m")]
    [InlineData("-5m")]
    [InlineData("1.5h")]
    [InlineData("1D")]
    [InlineData(" 1m")]
    [InlineData("")]
    public void AnythingElseIsAClearError(string name)
    {
        Assert.False(Timeframe.TryParse(name, out _, out var error));
        Assert.Contains($"'{name}'", error);
        Assert.Contains("Nm (1..1440)", error);
    }

    [Fact]
    public void LowerCaseMIsMinuteAndUpperCaseMIsMonth()
    {
        Assert.Equal(TimeframeUnit.Minute, Timeframe.Parse("1m").Unit);
        Assert.Equal(TimeframeUnit.Month, Timeframe.Parse("1M").Unit);
    }

    [Fact]
    public void UnknownTimeZoneIsRefusedWithItsName()
    {
        Assert.False(TimeZones.TryFind("Mars/Olympus_Mons", out _, out var error));
        Assert.Contains("Mars/Olympus_Mons", error);
        Assert.True(TimeZones.TryFind("America/New_York", out var zone, out error));
        Assert.Null(error);
        Assert.Equal("America-New_York", TimeZones.FileSafeName(zone));
    }

    [Fact]
    public void UtcIsTheSameZoneAsTheTzDatabasesUtc()
    {
        Assert.True(TimeZones.TryFind("UTC", out var zone, out _));
        var tzdb = NodaTime.DateTimeZoneProviders.Tzdb["UTC"];
        Assert.Equal(tzdb, zone);
        Assert.Equal(tzdb.Id, zone.Id);
        Assert.Equal(zone.MinOffset, zone.MaxOffset);
        var instant = NodaTime.Instant.FromUnixTimeSeconds(1_772_150_400);
        Assert.Equal(tzdb.GetZoneInterval(instant).Name, zone.GetZoneInterval(instant).Name);
        Assert.Equal(tzdb.AtStartOfDay(new NodaTime.LocalDate(2026, 3, 8)), zone.AtStartOfDay(new NodaTime.LocalDate(2026, 3, 8)));
    }

    [Theory]
    [InlineData("US/Eastern", "America/New_York")]
    [InlineData("Asia/Calcutta", "Asia/Kolkata")]
    [InlineData("America/New_York", "America/New_York")]
    [InlineData("UTC", "UTC")]
    [InlineData("Etc/UTC", "UTC")]
    [InlineData("Zulu", "UTC")]
    [InlineData("Universal", "UTC")]
    public void AnAliasZoneIsServedUnderItsCanonicalNameButUtcStaysUtc(string name, string canonical)
    {
        Assert.True(TimeZones.TryFind(name, out var zone, out _));
        Assert.Equal(canonical, zone.Id);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void AMissingTimeZoneNameIsRefused(string? name)
    {
        Assert.False(TimeZones.TryFind(name, out var zone, out var error));
        Assert.Null(zone);
        Assert.Contains("not an IANA zone name", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1m", 60_000)]
    [InlineData("90m", 5_400_000)]
    [InlineData("4h", 14_400_000)]
    public void IntradayTimeframesHaveAFixedLength(string name, long lengthMs) =>
        Assert.Equal(lengthMs, Timeframe.Parse(name).LengthMs);

    [Fact]
    public void ACalendarTimeframeHasNoFixedLength()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Timeframe.Parse("1M").LengthMs);
        Assert.Contains("1M is a calendar timeframe", error.Message, StringComparison.Ordinal);
    }
}
