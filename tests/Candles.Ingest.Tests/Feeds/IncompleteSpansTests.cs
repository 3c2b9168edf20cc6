using Candles.Abstractions.Wire;

namespace Candles.Ingest.Tests.Feeds;

/// <summary>The minutes an instrument misses trades in: whole minutes, merged, and which bars they touch.</summary>
public class IncompleteSpansTests
{
    private const long Minute = 60_000;
    private const long DayMs = 1_772_150_400_000;

    [Fact]
    public void AGapCoversEveryMinuteFromTheOneBeforeItToTheOneAfter()
    {
        // The trade before the gap at 00:04:59.5, the one after at 00:06:00.2: minutes 4, 5 and 6.
        var spans = IncompleteSpans.None.WithMinutes((DayMs + (4 * Minute) + 59_500) * 1000, (DayMs + (6 * Minute) + 200) * 1000);
        Assert.Equal([DayMs + (4 * Minute)], spans.StartsMs);
        Assert.Equal([DayMs + (7 * Minute)], spans.EndsMs);
        Assert.False(spans.Overlaps(DayMs + (3 * Minute), DayMs + (4 * Minute)));
        Assert.True(spans.Overlaps(DayMs + (4 * Minute), DayMs + (5 * Minute)));
        Assert.True(spans.Overlaps(DayMs, DayMs + (60 * Minute)));
        Assert.False(spans.Overlaps(DayMs + (7 * Minute), DayMs + (8 * Minute)));
    }

    [Fact]
    public void OverlappingAndTouchingSpansMergeAndMarkingTwiceChangesNothing()
    {
        var spans = IncompleteSpans.None
            .WithMinutes(DayMs * 1000, DayMs * 1000)
            .WithMinutes((DayMs + (10 * Minute)) * 1000, (DayMs + (11 * Minute)) * 1000)
            .WithMinutes((DayMs + Minute) * 1000, (DayMs + (2 * Minute)) * 1000);

        Assert.Equal([DayMs, DayMs + (10 * Minute)], spans.StartsMs);
        Assert.Equal([DayMs + (3 * Minute), DayMs + (12 * Minute)], spans.EndsMs);
        Assert.True(spans.SameAs(spans.WithMinutes((DayMs + Minute) * 1000, (DayMs + Minute) * 1000)));
        Assert.False(spans.Overlaps(DayMs + (3 * Minute), DayMs + (10 * Minute)));
    }

    [Fact]
    public void TheUnionOfTwoMarkingsHoldsEveryMinuteOfEither()
    {
        var one = IncompleteSpans.None.WithMinutes(DayMs * 1000, (DayMs + Minute) * 1000).WithMinutes((DayMs + (20 * Minute)) * 1000, (DayMs + (20 * Minute)) * 1000);
        var other = IncompleteSpans.None.WithMinutes((DayMs + (2 * Minute)) * 1000, (DayMs + (3 * Minute)) * 1000);
        var union = one.Union(other);
        Assert.Equal([DayMs, DayMs + (20 * Minute)], union.StartsMs);
        Assert.Equal([DayMs + (4 * Minute), DayMs + (21 * Minute)], union.EndsMs);
        Assert.True(union.SameAs(other.Union(one)));
        Assert.True(one.SameAs(one.Union(IncompleteSpans.None)));
    }

    [Fact]
    public void TimesBefore1970FallInTheirOwnMinute()
    {
        var spans = IncompleteSpans.None.WithMinutes(-1, -1);
        Assert.Equal([-Minute], spans.StartsMs);
        Assert.Equal([0L], spans.EndsMs);
    }

    [Fact]
    public void OnlyTheNewestSpansAreKept()
    {
        var spans = IncompleteSpans.None;
        for (var i = 0; i < IncompleteSpans.MaxSpans + 10; i++)
        {
            spans = spans.WithMinutes((DayMs + (i * 2 * Minute)) * 1000, (DayMs + (i * 2 * Minute)) * 1000);
        }

        Assert.Equal(IncompleteSpans.MaxSpans, spans.Count);
        Assert.Equal(DayMs + (20 * Minute), spans.StartsMs[0]);
    }
}
