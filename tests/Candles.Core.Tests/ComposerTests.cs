using Candles.Core.Composition;
using static Candles.Core.Tests.TestTicks;

namespace Candles.Core.Tests;

public class ComposerTests
{
    [Fact]
    public void NewYorkDayComposedFromMinutesSpansTheShortDay()
    {
        var builder = MinuteBuilder(retention: null);
        builder.Update(Buy(1, "2026-03-08T04:59:59Z", 100));
        builder.Update(Buy(2, "2026-03-08T05:00:00Z", 110));
        builder.Update(Sell(3, "2026-03-09T03:59:59Z", 90));
        builder.Update(Buy(4, "2026-03-09T04:00:00Z", 95));
        builder.Flush();
        var days = BarComposer.Compose(builder.ClosedBars, Schedule("1d", "America/New_York"), footprintStepTicks: null);
        Assert.Equal([Ms("2026-03-07T05:00:00Z"), Ms("2026-03-08T05:00:00Z"), Ms("2026-03-09T04:00:00Z")], days.Select(d => d.Candle.OpenTimeMs));
        var shortDay = days[1].Candle;
        Assert.Equal((110L, 110L, 90L, 90L, 2L), (shortDay.Open, shortDay.High, shortDay.Low, shortDay.Close, shortDay.Trades));
        Assert.Equal(Ms("2026-03-09T04:00:00Z"), shortDay.Period.EndMs);
        Assert.True(days[1].Footprint.Levels.IsEmpty);
    }

    [Fact]
    public void ComposedRevisionRisesWithEveryAmendedMinute()
    {
        var builder = MinuteBuilder(retention: null);
        builder.Update(Buy(1, "2026-03-01T10:00:10Z", 100));
        builder.Update(Buy(2, "2026-03-01T10:01:10Z", 100));
        builder.Update(Buy(5, "2026-03-01T10:20:10Z", 100));
        builder.Update(Buy(3, "2026-03-01T10:00:20Z", 100));
        builder.Update(Buy(4, "2026-03-01T10:01:20Z", 100));
        builder.Flush();
        var hour = Assert.Single(BarComposer.Compose(builder.ClosedBars, Schedule("1h"), footprintStepTicks: 1));
        Assert.Equal(2, hour.Candle.Revision);
        Assert.Equal(5, hour.Candle.Trades);
        Assert.Equal(5, hour.Footprint.Levels.Single().Trades);
    }

    [Fact]
    public void BarsOutOfOrderAreRefused()
    {
        var builder = MinuteBuilder(retention: null);
        builder.Update(Buy(1, "2026-03-01T10:00:10Z", 100));
        builder.Update(Buy(2, "2026-03-01T10:01:10Z", 100));
        builder.Flush();
        var reversed = builder.ClosedBars.Reverse();
        var error = Assert.Throws<ArgumentException>(() => BarComposer.Compose(reversed, Schedule("1h"), null));
        Assert.Contains("ascending by open time", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheSameBarTwiceIsRefused()
    {
        var builder = MinuteBuilder(retention: null);
        builder.Update(Buy(1, "2026-03-01T10:00:10Z", 100));
        builder.Flush();
        var bar = Assert.Single(builder.ClosedBars);
        Assert.Throws<ArgumentException>(() => BarComposer.Compose([bar, bar], Schedule("1h"), null));
    }

    [Fact]
    public void ABarLongerThanTheTargetBarIsRefused()
    {
        var builder = new Building.BarBuilder(Schedule("90m"), new Building.BarBuilderOptions { Retention = null });
        builder.Update(Buy(1, "2026-03-01T00:10:00Z", 100));
        builder.Flush();
        var error = Assert.Throws<ArgumentException>(() => BarComposer.Compose(builder.ClosedBars, Schedule("1h"), null));
        Assert.Contains("does not fit inside one 1h bar", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HeatmapPutsEveryBarsFootprintOnOnePriceGrid()
    {
        var builder = MinuteBuilder(retention: null);
        builder.Update(Buy(1, "2026-03-01T10:00:10Z", 1004, 2));
        builder.Update(Sell(2, "2026-03-01T10:00:20Z", 1012, 3));
        builder.Update(Buy(3, "2026-03-01T10:05:10Z", 1009, 5));
        builder.Flush();
        var bars = BarComposer.Compose(builder.ClosedBars, Schedule("5m"), footprintStepTicks: 10);
        var heatmap = Heatmap.From(bars);
        Assert.Equal([Ms("2026-03-01T10:00:00Z"), Ms("2026-03-01T10:05:00Z")], heatmap.Times);
        Assert.Equal([1000L, 1010], heatmap.Prices);
        Assert.Equal(
            [new HeatmapCell(0, 0, 2, 0), new HeatmapCell(0, 1, 0, 3), new HeatmapCell(1, 0, 5, 0)],
            heatmap.Cells);
    }
}
