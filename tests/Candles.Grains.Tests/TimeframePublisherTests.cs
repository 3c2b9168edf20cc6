using Candles.Abstractions.Streams;
using Candles.Abstractions.Wire;
using Candles.Core.Bars;
using Candles.Core.Timeframes;

namespace Candles.Grains.Tests;

/// <summary>What a timeframe stream says, from the bars composed before and after each 1m change (5m bars here).</summary>
public class TimeframePublisherTests
{
    private const long Five = 300_000;

    private static Bar FiveMinutes(int index, long trades, int revision = 0) => new(
        new Candle(new BarPeriod(index * Five, (index + 1) * Five), 100, 100 + trades, 100, 100, trades, 0, trades * 100, trades, 1, 1, trades, 1, revision),
        Footprint.Empty);

    private static long Us(int fiveMinutes) => fiveMinutes * Five * 1000;

    private static List<(BarEventKind, long, long)> Said(List<BarEvent> events) =>
        [.. events.Select(e => (e.Kind, e.Bar.Candle.OpenTimeMs / Five, e.Bar.Candle.Trades))];

    [Fact]
    public void EveryBarThePassingWatermarkEndsClosesOnceInOrder()
    {
        var publisher = new TimeframePublisher(Us(0), 0);
        List<Bar> closed = [FiveMinutes(0, 2), FiveMinutes(1, 3), FiveMinutes(3, 1)];
        Assert.Equal([(BarEventKind.Close, 0L, 2L), (BarEventKind.Close, 1L, 3L)], Said(publisher.Next(closed, null, Us(2) + 5, long.MinValue)));
        Assert.Empty(publisher.Next(closed, null, Us(3), long.MinValue));
        Assert.Equal([(BarEventKind.Close, 3L, 1L)], Said(publisher.Next(closed, null, Us(4), long.MinValue)));
    }

    [Fact]
    public void AClosedBarThatComposesDifferentlyIsACorrectionWithoutItsMinuteMessage()
    {
        var publisher = new TimeframePublisher(Us(0), 0);
        publisher.Next([FiveMinutes(0, 2), FiveMinutes(1, 3)], null, Us(2), long.MinValue);

        // A late trade amended bar 1; whatever message said so was lost, the recomposition shows it.
        var events = publisher.Next([FiveMinutes(0, 2), FiveMinutes(1, 4, revision: 1)], null, Us(2), long.MinValue);
        Assert.Equal([(BarEventKind.Correction, 1L, 4L)], Said(events));
        Assert.Equal(1, events[0].Bar.Candle.Revision);
    }

    [Fact]
    public void ABarAppearingInAnEmptyClosedPeriodIsACorrection()
    {
        var publisher = new TimeframePublisher(Us(0), 0);
        publisher.Next([FiveMinutes(0, 2), FiveMinutes(2, 3)], null, Us(3), long.MinValue);
        Assert.Equal([(BarEventKind.Correction, 1L, 1L)], Said(publisher.Next([FiveMinutes(0, 2), FiveMinutes(1, 1), FiveMinutes(2, 3)], null, Us(3), long.MinValue)));
    }

    [Fact]
    public void BarsAGapMarkedLaterMakesPartialGoOutThoughNoCandleChanged()
    {
        var publisher = new TimeframePublisher(Us(0), 0);
        List<Bar> closed = [FiveMinutes(0, 2), FiveMinutes(1, 3), FiveMinutes(2, 1)];
        var open = FiveMinutes(2, 1);
        publisher.Next(closed, open, Us(2), long.MinValue, IncompleteSpans.None);

        // A gap in minutes without trades is marked over the end of bar 1 and the start of the open bar 2: the same candles,
        // but partial now. Bar 1 had closed: a correction; bar 2 is open: an update. Marked again, nothing more goes out.
        var marked = IncompleteSpans.None.WithMinutes(Us(2) - 60_000_000, Us(2) + 60_000_000);
        Assert.Equal([(BarEventKind.Correction, 1L, 3L), (BarEventKind.Update, 2L, 1L)], Said(publisher.Next(closed, open, Us(2), long.MinValue, marked)));
        var again = IncompleteSpans.None.WithMinutes(Us(2) - 60_000_000, Us(2) + 60_000_000);
        Assert.Empty(publisher.Next(closed, open, Us(2), long.MinValue, again));
    }

    [Fact]
    public void AnOpenBarTheRetentionDropsWholeAsItEndsStillCloses()
    {
        var publisher = new TimeframePublisher(Us(0), 0);
        Assert.Equal([(BarEventKind.Update, 0L, 1L)], Said(publisher.Next([], FiveMinutes(0, 1), Us(0) + 10, long.MinValue)));

        // A replay's next trade comes after a gap longer than the retention: bar 0 ends and is dropped in the same commit.
        Assert.Equal([(BarEventKind.Close, 0L, 1L), (BarEventKind.Update, 9L, 1L)], Said(publisher.Next([], FiveMinutes(9, 1), Us(9) + 10, retainedFromMs: 9 * Five)));
        Assert.Empty(publisher.Next([], FiveMinutes(9, 1), Us(9) + 20, retainedFromMs: 9 * Five));
    }

    [Fact]
    public void BarsLosingMinutesToTheRetentionAreNotCorrections()
    {
        var publisher = new TimeframePublisher(Us(0), 0);
        publisher.Next([FiveMinutes(0, 5), FiveMinutes(1, 3)], null, Us(2), long.MinValue);
        Assert.Empty(publisher.Next([FiveMinutes(0, 2), FiveMinutes(1, 3)], null, Us(2), retainedFromMs: Five));
    }

    [Fact]
    public void TheOpenBarGoesOutWhenItChangedAndNotAgain()
    {
        var publisher = new TimeframePublisher(Us(0), 0);
        Assert.Equal([(BarEventKind.Update, 0L, 1L)], Said(publisher.Next([], FiveMinutes(0, 1), Us(0) + 10, long.MinValue)));
        Assert.Empty(publisher.Next([], FiveMinutes(0, 1), Us(0) + 20, long.MinValue));

        // Its live minute closed with one more trade and no new minute has traded: the bar from closed minutes is the open bar.
        List<Bar> closed = [FiveMinutes(0, 2)];
        Assert.Equal([(BarEventKind.Update, 0L, 2L)], Said(publisher.Next(closed, closed[^1], Us(0) + 60_000_000, long.MinValue)));
    }
}
