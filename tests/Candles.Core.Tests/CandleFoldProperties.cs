using Candles.Core.Bars;
using Candles.Core.Composition;
using Candles.Core.Timeframes;
using FsCheck;
using FsCheck.Xunit;
using NodaTime;

namespace Candles.Core.Tests;

/// <summary>
/// Candles kept current by folding minutes in as they close (what a followed timeframe grain serves) equal the same
/// minutes composed from scratch, however the minutes arrive in batches, re-delivered, and cut by the retention.
/// </summary>
[Properties(Arbitrary = [typeof(TapeArbitraries)], MaxTest = 150, EndSize = 300)]
public class CandleFoldProperties
{
    private static readonly (string Timeframe, string Zone)[] Timeframes =
    [
        ("1m", "UTC"), ("5m", "UTC"), ("15m", "UTC"), ("1h", "America/New_York"), ("90m", "UTC"), ("4h", "Asia/Kolkata"),
        ("1d", "America/New_York"), ("1w", "UTC"), ("1M", "Australia/Sydney"),
    ];

    private static readonly BarSchedule Minutes = BarSchedule.For(Timeframe.OneMinute, DateTimeZone.Utc);

    [Property]
    public bool FoldingMinutesInBatchesEqualsComposingThemAll(Tape tape, int seed)
    {
        var minutes = MinuteBars(tape);
        foreach (var (name, zone) in Timeframes)
        {
            var schedule = TestTicks.Schedule(name, zone);
            var random = new Random(seed);
            var (candles, through) = (new List<Bar>(), long.MinValue);
            foreach (var batch in Batches(minutes, random))
            {
                (candles, through) = CandleFold.Append(candles, through, batch, schedule)
                    ?? throw new InvalidOperationException($"{name}: a batch in order was refused");
            }

            Expect(BarComposer.Compose(minutes, schedule, footprintStepTicks: null), candles, $"{name} in {zone}");
            if (minutes.Count > 0 && through != minutes[^1].Candle.OpenTimeMs)
            {
                throw new InvalidOperationException($"{name}: folded through {through}, the last minute opens at {minutes[^1].Candle.OpenTimeMs}");
            }
        }

        return true;
    }

    [Property]
    public bool FoldingUnderARetentionThatMovesEqualsComposingWhatIsRetained(Tape tape, int seed)
    {
        var minutes = MinuteBars(tape);
        foreach (var (name, zone) in Timeframes)
        {
            var schedule = TestTicks.Schedule(name, zone);
            var random = new Random(seed);
            var (candles, through, retainedFromMs) = (new List<Bar>(), long.MinValue, long.MinValue);
            foreach (var batch in Batches(minutes, random))
            {
                (candles, through) = CandleFold.Append(candles, through, batch, schedule)
                    ?? throw new InvalidOperationException($"{name}: a batch in order was refused");

                // Now and then the retention moves up: to a minute at most a few hours before the newest one folded, or
                // (a quiet instrument) past it.
                if (random.Next(3) == 0)
                {
                    var cutMs = random.Next(10) == 0 ? through + 60_000 : through - (random.NextInt64(0, 6 * 60) * 60_000);
                    retainedFromMs = Math.Max(retainedFromMs, Minutes.PeriodOf(cutMs).StartMs);
                    if (CandleFold.Cut(candles, retainedFromMs) is { } headEndMs)
                    {
                        var (from, lastFolded) = (retainedFromMs, through);
                        CandleFold.ReplaceHead(candles, minutes.Where(m => m.Candle.OpenTimeMs >= from && m.Candle.OpenTimeMs < headEndMs && m.Candle.OpenTimeMs <= lastFolded), schedule);
                    }
                }

                var (kept, foldedThrough) = (retainedFromMs, through);
                var retained = minutes.Where(m => m.Candle.OpenTimeMs >= kept && m.Candle.OpenTimeMs <= foldedThrough);
                Expect(BarComposer.Compose(retained, schedule, footprintStepTicks: null), candles, $"{name} in {zone}, retained from {retainedFromMs}");
            }
        }

        return true;
    }

    [Fact]
    public void AMinuteBeforeTheLastCandlesEndThatItDoesNotHoldIsRefused()
    {
        var schedule = TestTicks.Schedule("1h", "UTC");
        var t0 = TestTicks.Ms("2026-03-02T10:00:00Z");
        var minutes = MinuteBars([Trade(1, t0 + 5 * 60_000, 100), Trade(2, t0 + 65 * 60_000, 101)]);
        var (candles, through) = CandleFold.Append([], long.MinValue, minutes, schedule)!.Value;
        Assert.Equal(2, candles.Count);

        // Were the candles folded only through 10:05 (a state the caller got wrong), minute 10:30 would be new but
        // belong to the 10:00 candle, which is not the last: it cannot be folded.
        var late = MinuteBars([Trade(3, t0 + 30 * 60_000, 102)]);
        Assert.Null(CandleFold.Append(candles, t0 + 5 * 60_000, late, schedule));

        // Before the last minute folded (11:05), it is held already: passed over, nothing changes; so is 11:05 itself.
        var again = minutes[^1];
        var (same, sameThrough) = CandleFold.Append(candles, through, [.. late, again], schedule)!.Value;
        Assert.Equal(candles, same);
        Assert.Equal(through, sameThrough);
    }

    [Fact]
    public void ACutDropsTheCandlesBeforeTheRetentionAndGivesTheEndOfTheOneThatMayHaveLostMinutes()
    {
        var schedule = TestTicks.Schedule("1h", "UTC");
        var t0 = TestTicks.Ms("2026-03-02T10:00:00Z");
        var minutes = MinuteBars([.. Enumerable.Range(0, 4).Select(h => Trade(h + 1, t0 + (h * 60 + 10) * 60_000, 100 + h))]);
        var candles = CandleFold.Append([], long.MinValue, minutes, schedule)!.Value.Candles;

        // Retained from 11:10: the 10:00 candle goes; the 11:00 one opens before it, so it may have lost minutes and is
        // composed anew from those retained (its 11:10 minute: the same candle).
        var before = candles[1];
        Assert.Equal(t0 + 120 * 60_000, CandleFold.Cut(candles, t0 + 70 * 60_000));
        CandleFold.ReplaceHead(candles, minutes.Where(m => m.Candle.OpenTimeMs >= t0 + 70 * 60_000 && m.Candle.OpenTimeMs < t0 + 120 * 60_000), schedule);
        Assert.Equal([t0 + 60 * 60_000, t0 + 120 * 60_000, t0 + 180 * 60_000], candles.Select(c => c.Candle.OpenTimeMs));
        Assert.Equal(before.Candle, candles[0].Candle);

        // Retained from 12:30: the 12:00 candle lost its 12:10 minute and has none left, so it goes when recomposed.
        Assert.Equal(t0 + 180 * 60_000, CandleFold.Cut(candles, t0 + 150 * 60_000));
        CandleFold.ReplaceHead(candles, [], schedule);
        Assert.Equal([t0 + 180 * 60_000], candles.Select(c => c.Candle.OpenTimeMs));

        // Retained from a candle's start: nothing lost.
        Assert.Null(CandleFold.Cut(candles, t0 + 180 * 60_000));
        Assert.Single(candles);

        // Retained from after the last candle (a quiet instrument): none left.
        Assert.Null(CandleFold.Cut(candles, t0 + 300 * 60_000));
        Assert.Empty(candles);
    }

    /// <summary>
    /// The minutes in batches of 1 to 5, in any order within a batch, sometimes with a minute of an earlier batch again
    /// (a re-delivery) or one of its own twice.
    /// </summary>
    private static IEnumerable<List<Bar>> Batches(List<Bar> minutes, Random random)
    {
        for (var i = 0; i < minutes.Count;)
        {
            var size = random.Next(1, 6);
            var batch = minutes.Skip(i).Take(size).ToList();
            if (i > 0 && random.Next(4) == 0)
            {
                batch.Add(minutes[random.Next(i)]);
            }

            if (random.Next(4) == 0)
            {
                batch.Add(batch[random.Next(batch.Count)]);
            }

            random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(batch));
            yield return batch;
            i += size;
        }
    }

    private static List<Bar> MinuteBars(Tape tape) => MinuteBars(tape.Ticks);

    private static Ticks.Tick Trade(long id, long timeMs, long price) => new(id, timeMs * 1000, price, 1, Ticks.AggressorSide.Buy);

    private static List<Bar> MinuteBars(IEnumerable<Ticks.Tick> ticks)
    {
        var builder = TestTicks.MinuteBuilder();
        foreach (var tick in ticks)
        {
            builder.Update(tick);
        }

        builder.Flush();
        return [.. builder.ClosedBars];
    }

    private static void Expect(IReadOnlyList<Bar> expected, IReadOnlyList<Bar> actual, string what)
    {
        if (expected.Count != actual.Count || !expected.Zip(actual).All(p => p.First.Candle == p.Second.Candle))
        {
            throw new InvalidOperationException($"{what}: folded {actual.Count} candles differ from {expected.Count} composed");
        }
    }
}
