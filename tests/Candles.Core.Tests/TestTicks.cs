using Candles.Core.Bars;
using Candles.Core.Building;
using Candles.Core.Ticks;
using Candles.Core.Timeframes;
using NodaTime;

namespace Candles.Core.Tests;

/// <summary>Short ways to write ticks and builders in tests.</summary>
internal static class TestTicks
{
    public static long Us(string isoUtc) => DateTimeOffset.Parse(isoUtc, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds() * 1000;

    public static long Ms(string isoUtc) => Us(isoUtc) / 1000;

    public static Tick Buy(long id, string isoUtc, long price, long quantity = 1) => new(id, Us(isoUtc), price, quantity, AggressorSide.Buy);

    public static Tick Sell(long id, string isoUtc, long price, long quantity = 1) => new(id, Us(isoUtc), price, quantity, AggressorSide.Sell);

    public static BarBuilder MinuteBuilder(TimeSpan? retention = null) =>
        new(BarSchedule.For(Timeframe.OneMinute, DateTimeZone.Utc), new BarBuilderOptions { Retention = retention });

    public static BarSchedule Schedule(string timeframe, string zone = "UTC") =>
        BarSchedule.For(Timeframe.Parse(timeframe), TimeZones.Find(zone));

    public static List<Bar> AllBars(BarBuilder builder)
    {
        var bars = builder.ClosedBars.ToList();
        if (builder.LiveBar is { } live)
        {
            bars.Add(live);
        }

        return bars;
    }
}
