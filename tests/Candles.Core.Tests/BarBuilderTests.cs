using Candles.Core.Bars;
using Candles.Core.Building;
using Candles.Core.Timeframes;
using NodaTime;
using static Candles.Core.Tests.TestTicks;

namespace Candles.Core.Tests;

public class BarBuilderTests
{
    [Fact]
    public void OpenAndCloseAreFirstAndLastTradeByTimeThenTradeId()
    {
        var builder = MinuteBuilder();
        builder.Update(Buy(12, "2026-03-01T10:00:05Z", 105));
        builder.Update(Buy(10, "2026-03-01T10:00:01Z", 101));
        builder.Update(Sell(11, "2026-03-01T10:00:01Z", 99));
        builder.Update(Sell(13, "2026-03-01T10:00:05Z", 103));
        var candle = builder.LiveBar!.Candle;
        Assert.Equal((101L, 105L, 99L, 103L), (candle.Open, candle.High, candle.Low, candle.Close));
        Assert.Equal((10L, 13L), (candle.FirstTradeId, candle.LastTradeId));
        Assert.Equal(4, candle.Trades);
        Assert.Equal((2, 2, 4), ((int)candle.BuyVolume, (int)candle.SellVolume, (int)candle.Volume));
        Assert.Equal(101 + 105 + 99 + 103, (long)candle.QuoteVolume);
    }

    [Fact]
    public void AHistoryStartedAgainRefusesTicksBeforeItsStartAndTakesNothingBeforeItAsWhole()
    {
        var builder = new BarBuilder(BarSchedule.For(Timeframe.OneMinute, DateTimeZone.Utc), new BarBuilderOptions { Retention = TimeSpan.FromDays(7) });
        var start = Ms("2026-03-03T00:00:00Z");
        builder.StartAt(start);
        Assert.Equal((start, start - 60_000), (builder.RetainedFromMs, builder.TrimmedThroughMs));

        // Before its first tick too: an older one does not become the live bar (and take the watermark back).
        Assert.Equal(TickOutcome.TooOld, builder.Update(Buy(9, "2026-03-01T12:00:00Z", 100)));
        Assert.Null(builder.LiveBar);
        Assert.Equal(long.MinValue, builder.WatermarkUs);
        Assert.Equal(TickOutcome.Applied, builder.Update(Buy(10, "2026-03-04T00:10:00Z", 100)));
        Assert.Equal(TickOutcome.TooOld, builder.Update(Buy(11, "2026-03-01T12:00:00Z", 100)));
        Assert.Equal(TickOutcome.TooOld, builder.Update(Buy(12, "2026-03-02T23:59:59Z", 100)));
        Assert.Equal(TickOutcome.Amended, builder.Update(Buy(13, "2026-03-03T00:00:00Z", 100)));
        Assert.Equal([Ms("2026-03-03T00:00:00Z")], builder.ClosedBars.Select(b => b.Candle.OpenTimeMs));
        Assert.Equal(start, builder.RetainedFromMs);

        // The start travels with the checkpoint: a builder restored from it knows it too.
        var restored = BarBuilder.Restore(BarSchedule.For(Timeframe.OneMinute, DateTimeZone.Utc), new BarBuilderOptions { Retention = TimeSpan.FromDays(7) }, builder.ClosedBars, builder.Checkpoint());
        Assert.Equal((start, start - 60_000), (restored.RetainedFromMs, restored.TrimmedThroughMs));
        Assert.Equal(TickOutcome.TooOld, restored.Update(Buy(14, "2026-03-02T12:00:00Z", 100)));
    }

    [Fact]
    public void BarClosesWhenTheWatermarkReachesItsEnd()
    {
        var builder = MinuteBuilder();
        builder.Update(Buy(1, "2026-03-01T10:00:59.999Z", 100));
        Assert.Empty(builder.ClosedBars);
        builder.Update(Buy(2, "2026-03-01T10:01:00Z", 101));
        var closed = Assert.Single(builder.ClosedBars);
        Assert.Equal(Ms("2026-03-01T10:00:00Z"), closed.Candle.OpenTimeMs);
        Assert.Equal(Ms("2026-03-01T10:01:00Z"), builder.LiveBar!.Candle.OpenTimeMs);
    }

    [Fact]
    public void QuietMinuteClosesOnTimeWhenTheClockPassesItsEnd()
    {
        var builder = MinuteBuilder();
        builder.Update(Buy(1, "2026-03-01T10:00:10Z", 100));
        builder.Scan(Us("2026-03-01T10:00:59Z"));
        Assert.NotNull(builder.LiveBar);
        builder.Scan(Us("2026-03-01T10:01:00Z"));
        Assert.Null(builder.LiveBar);
        Assert.Single(builder.ClosedBars);
        var changes = new List<BarChange>();
        builder.DrainChanges(changes);
        Assert.Equal(BarChangeKind.Closed, Assert.Single(changes).Kind);
    }

    [Fact]
    public void MinutesWithoutTradesHaveNoBar()
    {
        var builder = MinuteBuilder();
        builder.Update(Buy(1, "2026-03-01T10:00:10Z", 100));
        builder.Update(Buy(2, "2026-03-01T10:05:10Z", 100));
        builder.Flush();
        Assert.Equal([Ms("2026-03-01T10:00:00Z"), Ms("2026-03-01T10:05:00Z")], builder.ClosedBars.Select(b => b.Candle.OpenTimeMs));
    }

    [Fact]
    public void DuplicateTradeIdIsIgnoredAndCounted()
    {
        var builder = MinuteBuilder();
        Assert.Equal(TickOutcome.Applied, builder.Update(Buy(1, "2026-03-01T10:00:10Z", 100)));
        Assert.Equal(TickOutcome.Duplicate, builder.Update(Buy(1, "2026-03-01T10:00:10Z", 100)));
        Assert.Equal(TickOutcome.Duplicate, builder.Update(Sell(1, "2026-03-01T10:00:20Z", 90, 5)));
        Assert.Equal(1, builder.LiveBar!.Candle.Trades);
        Assert.Equal(new BuilderCounters(1, 0, 2, 0), builder.Counters);
    }

    [Fact]
    public void LateTickAmendsClosedBarAndRaisesRevision()
    {
        var builder = MinuteBuilder();
        builder.Update(Buy(1, "2026-03-01T10:00:10Z", 100));
        builder.Update(Buy(3, "2026-03-01T10:01:10Z", 100));
        Assert.Equal(TickOutcome.Amended, builder.Update(Sell(2, "2026-03-01T10:00:50Z", 90, 4)));
        var amended = builder.ClosedBars[0];
        Assert.Equal(1, amended.Candle.Revision);
        Assert.Equal((90L, 90L, 2L), (amended.Candle.Low, amended.Candle.Close, amended.Candle.Trades));
        Assert.Equal([90L, 100], amended.Footprint.Levels.Select(l => l.Price));
        var changes = new List<BarChange>();
        builder.DrainChanges(changes);
        Assert.Equal([BarChangeKind.Closed, BarChangeKind.Corrected], changes.Select(c => c.Kind));
        Assert.Equal(TickOutcome.Duplicate, builder.Update(Sell(2, "2026-03-01T10:00:50Z", 90, 4)));
        Assert.Equal(1, builder.ClosedBars[0].Candle.Revision);
    }

    [Fact]
    public void LateTickInAnEmptyMinuteCreatesThatBarAsACorrection()
    {
        var builder = MinuteBuilder();
        builder.Update(Buy(1, "2026-03-01T10:00:10Z", 100));
        builder.Update(Buy(3, "2026-03-01T10:05:10Z", 100));
        Assert.Equal(TickOutcome.Amended, builder.Update(Buy(2, "2026-03-01T10:02:00Z", 95)));
        Assert.Equal([Ms("2026-03-01T10:00:00Z"), Ms("2026-03-01T10:02:00Z")], builder.ClosedBars.Select(b => b.Candle.OpenTimeMs));
        Assert.Equal(1, builder.ClosedBars[1].Candle.Revision);
    }

    [Fact]
    public void LateTickIntoAFinishedSealedDayTheRetentionCutIntoIsRefusedAsTooOld()
    {
        // Two days of retention, newest bar 3 March 12:00 UTC: retained from 1 March 12:00. The 1st (UTC) has finished and
        // lost its morning, so its sealed bar can no more be sealed again: a late tick there is refused, though its minute
        // is retained. In New York the 1st runs to 2 March 05:00 UTC: an afternoon tick on the 1st (UTC) is in that day.
        // The 3rd has not finished: the retention has not cut into it anyway, nor into the 2nd.
        var days = new[] { "UTC", "America/New_York" }.Select(zone => BarSchedule.For(Timeframe.Parse("1d"), TimeZones.Find(zone))).ToArray();
        var builder = new BarBuilder(
            BarSchedule.For(Timeframe.OneMinute, DateTimeZone.Utc),
            new BarBuilderOptions { Retention = TimeSpan.FromDays(2), SealedDays = days });
        var unsealed = new BarBuilder(BarSchedule.For(Timeframe.OneMinute, DateTimeZone.Utc), new BarBuilderOptions { Retention = TimeSpan.FromDays(2) });
        foreach (var b in (BarBuilder[])[builder, unsealed])
        {
            b.Update(Buy(1, "2026-03-01T13:00:10Z", 100));
            b.Update(Buy(2, "2026-03-03T12:00:10Z", 100));
        }

        Assert.Equal(TickOutcome.TooOld, builder.Update(Buy(3, "2026-03-01T13:00:20Z", 101)));
        Assert.Equal(TickOutcome.Amended, unsealed.Update(Buy(3, "2026-03-01T13:00:20Z", 101)));
        Assert.Equal(TickOutcome.TooOld, builder.Update(Buy(4, "2026-03-02T04:00:00Z", 101)));
        Assert.Equal(TickOutcome.Amended, builder.Update(Buy(5, "2026-03-02T05:00:00Z", 101)));
        Assert.Equal(TickOutcome.Amended, builder.Update(Buy(6, "2026-03-03T11:00:00Z", 101)));
        Assert.Equal(new BuilderCounters(2, 2, 0, 2), builder.Counters);
        Assert.Equal(1L, builder.ClosedBars.Single(b => b.Candle.OpenTimeMs == Ms("2026-03-01T13:00:00Z")).Candle.Trades);
    }

    [Fact]
    public void LateTickIntoAFinishedSealedDayItsOwnBatchCutsIntoIsRefusedAsTooOld()
    {
        // Two days of retention, newest bar 2 March 12:00: the 1st has finished (and may be sealed) but is whole. A batch
        // whose newest tick is 3 March 12:00 retains from 1 March 12:00, cutting the 1st: its late tick there is refused,
        // as it would be after the batch; one in the 2nd, which stays whole, amends. Alone, the same late tick amends.
        var days = new[] { BarSchedule.For(Timeframe.Parse("1d"), DateTimeZone.Utc) };
        var now = Us("2026-03-03T13:00:00Z");
        var skew = TimeSpan.FromSeconds(5);
        BarBuilder Builder()
        {
            var builder = new BarBuilder(
                BarSchedule.For(Timeframe.OneMinute, DateTimeZone.Utc), new BarBuilderOptions { Retention = TimeSpan.FromDays(2), SealedDays = days });
            builder.Update(Buy(1, "2026-03-01T13:00:10Z", 100));
            builder.Update(Buy(2, "2026-03-02T12:00:10Z", 100));
            return builder;
        }

        var batch = Builder();
        var outcome = batch.Apply([Buy(3, "2026-03-01T13:00:20Z", 101), Buy(4, "2026-03-02T11:00:00Z", 101), Buy(5, "2026-03-03T12:00:10Z", 101)], now, skew);
        Assert.Equal(new BatchOutcome(1, 1, 0, 1, 0, null), outcome);
        Assert.Equal(1L, batch.ClosedBars.Single(b => b.Candle.OpenTimeMs == Ms("2026-03-01T13:00:00Z")).Candle.Trades);
        Assert.Equal(TickOutcome.Amended, Builder().Update(Buy(3, "2026-03-01T13:00:20Z", 101)));

        // A tick past the clock is refused and cuts nothing.
        var future = Builder().Apply([Buy(3, "2026-03-01T13:00:20Z", 101), Buy(6, "2026-03-10T00:00:00Z", 101)], now, skew);
        Assert.Equal((1, 1), (future.Amended, future.OutOfBounds));
        Assert.NotNull(future.Refusal);

        // What a batch foresaw ends with it: its newest tick here was a duplicate, which moved nothing.
        var over = Builder();
        Assert.Equal(1, over.Apply([Buy(2, "2026-03-10T00:00:00Z", 100)], Us("2026-03-10T00:00:01Z"), skew).Duplicates);
        Assert.Equal(TickOutcome.Amended, over.Update(Buy(3, "2026-03-01T13:00:20Z", 101)));
    }

    [Fact]
    public void BarsKeptPastTheRetentionAreHeldButNotAmendedUntilLetGo()
    {
        var builder = KeptPastAnHoursRetention();

        Assert.Equal([Ms("2026-03-01T08:00:00Z")], builder.ClosedBars.Select(b => b.Candle.OpenTimeMs));
        Assert.Equal((Ms("2026-03-01T09:00:00Z"), long.MinValue), (builder.RetainedFromMs, builder.TrimmedThroughMs));
        Assert.Equal(TickOutcome.TooOld, builder.Update(Buy(3, "2026-03-01T08:00:30Z", 100)));

        builder.KeepFrom(long.MinValue);
        builder.Update(Buy(4, "2026-03-01T10:01:00Z", 100));
        Assert.Equal([Ms("2026-03-01T10:00:00Z")], builder.ClosedBars.Select(b => b.Candle.OpenTimeMs));
        Assert.Equal(Ms("2026-03-01T08:00:00Z"), builder.TrimmedThroughMs);
    }

    [Fact]
    public void ARolledBackBuilderKnowsWhatItHadDroppedAndKeepsWhatItHeld()
    {
        // Bars kept past the retention and committed; a later commit fails. The builder rolled back holds the same bars
        // and still knows none was dropped, where a restore's guess would say everything before the retention may be.
        var builder = KeptPastAnHoursRetention();
        builder.MarkCommitted();
        var committed = builder.Checkpoint();
        builder.Update(Buy(3, "2026-03-01T10:01:00Z", 100));

        var rolledBack = builder.RolledBack(committed);
        Assert.Equal([Ms("2026-03-01T08:00:00Z")], rolledBack.ClosedBars.Select(b => b.Candle.OpenTimeMs));
        Assert.Equal(long.MinValue, rolledBack.TrimmedThroughMs);

        // Let go before the failed commit: the builder rolled back drops the bar as it starts, and says so.
        builder.KeepFrom(long.MinValue);
        var dropping = builder.RolledBack(committed);
        Assert.Empty(dropping.ClosedBars);
        Assert.Equal(Ms("2026-03-01T08:00:00Z"), dropping.TrimmedThroughMs);
    }

    [Fact]
    public void ARolledBackBuilderCountsTheBarsDroppedBeforeItsLastCommitFreshOrRestored()
    {
        // 08:00 dropped before the commit (retention from 09:00); the failed batch drops 09:30 too. Rolled back, 09:30 is
        // held again and what was dropped at the commit is still counted: for a fresh builder and a restored one.
        var fresh = MinuteBuilder(TimeSpan.FromHours(1));
        fresh.Update(Buy(1, "2026-03-01T08:00:00Z", 100));
        fresh.Update(Buy(2, "2026-03-01T09:30:00Z", 100));
        fresh.Update(Buy(3, "2026-03-01T10:00:00Z", 100));
        BarBuilder Restored(BuilderCheckpoint checkpoint) => BarBuilder.Restore(
            BarSchedule.For(Timeframe.OneMinute, DateTimeZone.Utc), new BarBuilderOptions { Retention = TimeSpan.FromHours(1) }, fresh.ClosedBars, checkpoint);
        var restored = Restored(fresh.Checkpoint());
        var neverCommitted = Restored(fresh.Checkpoint() with { TrimmedThroughMs = null });
        foreach (var builder in (BarBuilder[])[fresh, restored])
        {
            builder.MarkCommitted();
            var committed = builder.Checkpoint();
            var trimmedAtCommit = builder.TrimmedThroughMs;
            builder.Update(Buy(4, "2026-03-01T10:45:00Z", 100));

            var rolledBack = builder.RolledBack(committed);
            Assert.Contains(Ms("2026-03-01T09:30:00Z"), rolledBack.ClosedBars.Select(b => b.Candle.OpenTimeMs));
            Assert.Equal(trimmedAtCommit, rolledBack.TrimmedThroughMs);
        }

        // Rolled back before any commit of its own, a builder restored from a checkpoint that did not say keeps the restore's guess.
        Assert.Equal(neverCommitted.TrimmedThroughMs, neverCommitted.RolledBack(null).TrimmedThroughMs);
    }

    /// <summary>An hour of retention, the 08:00 bar kept past it while 10:00 is live.</summary>
    private static BarBuilder KeptPastAnHoursRetention()
    {
        var builder = MinuteBuilder(TimeSpan.FromHours(1));
        builder.Update(Buy(1, "2026-03-01T08:00:00Z", 100));
        builder.KeepFrom(Ms("2026-03-01T08:00:00Z"));
        builder.Update(Buy(2, "2026-03-01T10:00:00Z", 100));
        return builder;
    }

    [Fact]
    public void TickOlderThanRetentionIsRefusedAndCounted()
    {
        var builder = MinuteBuilder(TimeSpan.FromHours(1));
        builder.Update(Buy(5, "2026-03-01T10:00:00Z", 100));
        Assert.Equal(TickOutcome.TooOld, builder.Update(Buy(1, "2026-03-01T08:59:59Z", 100)));
        Assert.Equal(TickOutcome.Amended, builder.Update(Buy(2, "2026-03-01T09:00:00Z", 100)));
        Assert.Equal(new BuilderCounters(1, 1, 0, 1), builder.Counters);
    }

    [Fact]
    public void RetentionCountsBackFromTheNewestBarSoAnOldTapeIsKept()
    {
        var builder = MinuteBuilder(TimeSpan.FromHours(1));
        builder.Update(Buy(1, "2020-01-01T00:00:00Z", 100));
        builder.Update(Buy(2, "2020-01-01T00:59:00Z", 100));
        builder.Update(Buy(3, "2020-01-01T01:00:30Z", 100));
        Assert.Equal(2, builder.ClosedBars.Count);
        builder.Update(Buy(4, "2020-01-01T01:01:30Z", 100));
        Assert.Equal([Ms("2020-01-01T00:59:00Z"), Ms("2020-01-01T01:00:00Z")], builder.ClosedBars.Select(b => b.Candle.OpenTimeMs));
    }

    [Fact]
    public void TheNewestBarTheRetentionDroppedIsKnownAfterARestoreOrAssumedTheWorstWithoutIt()
    {
        var builder = MinuteBuilder(TimeSpan.FromHours(1));
        builder.Update(Buy(1, "2020-01-01T00:00:00Z", 100));
        builder.Update(Buy(2, "2020-01-01T00:20:00Z", 100));
        Assert.Equal(long.MinValue, builder.TrimmedThroughMs);

        // Retained from 00:21 once 01:21 is live: the 00:00 and 00:20 bars go, the newest of them at 00:20.
        builder.Update(Buy(3, "2020-01-01T01:21:00Z", 100));
        Assert.Equal((Ms("2020-01-01T00:20:00Z"), Ms("2020-01-01T00:21:00Z")), (builder.TrimmedThroughMs, builder.RetainedFromMs));

        // Restored from a store, it knows it from the checkpoint; from a checkpoint stored without it, it cannot know what
        // went before: anything before the retention may have.
        BarBuilder Restored(BuilderCheckpoint checkpoint) =>
            BarBuilder.Restore(TestTicks.Schedule("1m"), new BarBuilderOptions { Retention = TimeSpan.FromHours(1) }, [.. builder.ClosedBars], checkpoint);
        Assert.Equal(Ms("2020-01-01T00:20:00Z"), Restored(builder.Checkpoint()).TrimmedThroughMs);
        Assert.Equal(Ms("2020-01-01T00:21:00Z") - 1, Restored(builder.Checkpoint() with { TrimmedThroughMs = null }).TrimmedThroughMs);
    }

    [Fact]
    public void ABuilderRestoredWithBarsKeptPastItsRetentionHoldsThemWholeUntilItsNextBar()
    {
        // The store holds 08:00, kept past the hour's retention while 10:00 is live (a corrected sealed day the last
        // activation kept). Restored, the builder holds it as it starts, knows from the checkpoint that nothing was
        // dropped, and lets it go at its next bar unless its owner keeps it first.
        var kept = KeptPastAnHoursRetention();
        BarBuilder Restored() => BarBuilder.Restore(
            BarSchedule.For(Timeframe.OneMinute, DateTimeZone.Utc), new BarBuilderOptions { Retention = TimeSpan.FromHours(1) }, [.. kept.ClosedBars], kept.Checkpoint());

        var restored = Restored();
        Assert.Equal([Ms("2026-03-01T08:00:00Z")], restored.ClosedBars.Select(b => b.Candle.OpenTimeMs));
        Assert.Equal((long.MinValue, Ms("2026-03-01T09:00:00Z")), (restored.TrimmedThroughMs, restored.RetainedFromMs));

        restored.Update(Buy(3, "2026-03-01T10:01:00Z", 100));
        Assert.DoesNotContain(Ms("2026-03-01T08:00:00Z"), restored.ClosedBars.Select(b => b.Candle.OpenTimeMs));
        Assert.Equal(Ms("2026-03-01T08:00:00Z"), restored.TrimmedThroughMs);

        var keptAgain = Restored();
        keptAgain.KeepFrom(Ms("2026-03-01T08:00:00Z"));
        keptAgain.Update(Buy(3, "2026-03-01T10:01:00Z", 100));
        Assert.Equal(Ms("2026-03-01T08:00:00Z"), keptAgain.ClosedBars[0].Candle.OpenTimeMs);
        Assert.Equal(long.MinValue, keptAgain.TrimmedThroughMs);
    }

    [Fact]
    public void ATradesTimeIsToldByTheBarHoldingItsId()
    {
        // Exact for a bar's first or last trade; else its bar's period, from its start or to its end.
        var builder = MinuteBuilder(TimeSpan.FromHours(1));
        builder.Update(Buy(1, "2026-03-01T10:00:05Z", 100));
        builder.Update(Buy(2, "2026-03-01T10:00:20Z", 100));
        builder.Update(Buy(3, "2026-03-01T10:00:40Z", 100));
        builder.Update(Buy(7, "2026-03-01T10:01:10Z", 100));
        builder.Update(Buy(8, "2026-03-01T10:01:30Z", 100));

        Assert.Equal((Us("2026-03-01T10:00:05Z"), Us("2026-03-01T10:00:40Z")), (builder.TradeTimeUs(1, latest: true), builder.TradeTimeUs(3, latest: false)));
        Assert.Equal((Us("2026-03-01T10:00:00Z"), Us("2026-03-01T10:01:00Z") - 1), (builder.TradeTimeUs(2, latest: false), builder.TradeTimeUs(2, latest: true)));
        Assert.Equal(Us("2026-03-01T10:01:10Z"), builder.TradeTimeUs(7, latest: false));

        // Ids no bar holds: between two bars' trades, and past the newest.
        Assert.Equal((long.MinValue, long.MinValue), (builder.TradeTimeUs(5, latest: true), builder.TradeTimeUs(9, latest: false)));
    }

    [Fact]
    public void RollingBackForgetsEverySinceTheLastCommitAndNothingBefore()
    {
        var builder = MinuteBuilder(TimeSpan.FromHours(1));
        builder.Update(Buy(1, "2020-01-01T00:00:10Z", 100));
        builder.Update(Buy(2, "2020-01-01T00:30:10Z", 101));
        builder.Update(Buy(3, "2020-01-01T00:59:10Z", 102));
        var committed = builder.Checkpoint();
        builder.MarkCommitted();
        var before = builder.ClosedBars.ToList();

        // After the commit: a late tick amends a closed bar, a close, a new live bar, and the oldest bar trimmed.
        builder.Update(Sell(4, "2020-01-01T00:30:20Z", 99));
        builder.Update(Buy(5, "2020-01-01T01:00:30Z", 103));
        builder.Update(Buy(6, "2020-01-01T01:01:30Z", 104));
        Assert.NotEqual(before.Select(b => b.Candle), builder.ClosedBars.Select(b => b.Candle));

        var rolledBack = builder.RolledBack(committed);
        Assert.Equal(before.Select(b => b.Candle), rolledBack.ClosedBars.Select(b => b.Candle));
        Assert.Equal(committed.WatermarkUs, rolledBack.WatermarkUs);
        Assert.Equal(committed.Live!.Candle, rolledBack.LiveBar!.Candle);

        // The ticks since the commit are new again, those before it still duplicates.
        Assert.Equal(TickOutcome.Amended, rolledBack.Update(Sell(4, "2020-01-01T00:30:20Z", 99)));
        Assert.Equal(TickOutcome.Duplicate, rolledBack.Update(Buy(2, "2020-01-01T00:30:10Z", 101)));
    }

    [Fact]
    public void RevisingARangeRaisesTheClosedBarsInItAsCorrectionsAndARollbackUndoesIt()
    {
        var builder = MinuteBuilder(TimeSpan.FromHours(1));
        builder.Update(Buy(1, "2020-01-01T00:00:10Z", 100));
        builder.Update(Buy(2, "2020-01-01T00:01:10Z", 101));
        builder.Update(Buy(3, "2020-01-01T00:03:10Z", 102));
        builder.Update(Buy(4, "2020-01-01T00:04:10Z", 103));
        var committed = builder.Checkpoint();
        builder.MarkCommitted();
        builder.DrainChanges([]);
        var before = builder.ClosedBars.ToList();

        // [00:01, 00:04): the bars at 00:01 and 00:03; 00:02 has none, 00:00 is before, the live 00:04 after.
        var from = Ms("2020-01-01T00:01:00Z");
        Assert.Equal(2, builder.Revise(from, from + (3 * 60_000)));
        Assert.Equal([0, 1, 1], builder.ClosedBars.Select(b => b.Candle.Revision));
        List<BarChange> changes = [];
        builder.DrainChanges(changes);
        Assert.Equal([(from, BarChangeKind.Corrected), (from + 120_000, BarChangeKind.Corrected)], changes.Select(c => (c.Bar.Candle.OpenTimeMs, c.Kind)));
        Assert.Equal(0, builder.LiveBar!.Candle.Revision);

        Assert.Equal(0, builder.Revise(from - 3_600_000, from - 60_000));
        Assert.Equal(before.Select(b => b.Candle), builder.RolledBack(committed).ClosedBars.Select(b => b.Candle));
    }

    [Fact]
    public void RollingBackWithNothingCommittedLeavesAnEmptyBuilder()
    {
        var builder = MinuteBuilder();
        builder.Update(Buy(1, "2020-01-01T00:00:10Z", 100));
        builder.Update(Buy(2, "2020-01-01T00:01:10Z", 100));
        var rolledBack = builder.RolledBack(null);
        Assert.Empty(rolledBack.ClosedBars);
        Assert.Null(rolledBack.LiveBar);
        Assert.Equal(TickOutcome.Applied, rolledBack.Update(Buy(1, "2020-01-01T00:00:10Z", 100)));
    }

    [Fact]
    public void RollingBackRestoresABarAsCommittedHoweverOftenItWasAmendedSince()
    {
        var builder = MinuteBuilder(TimeSpan.FromHours(1));
        builder.Update(Buy(1, "2020-01-01T00:00:10Z", 100));
        builder.Update(Buy(5, "2020-01-01T00:01:10Z", 100));
        var committed = builder.Checkpoint();
        builder.MarkCommitted();
        var asCommitted = builder.ClosedBars[0].Candle;
        builder.Update(Sell(2, "2020-01-01T00:00:20Z", 99));
        builder.Update(Sell(3, "2020-01-01T00:00:30Z", 98));
        Assert.Equal(2, builder.ClosedBars[0].Candle.Revision);
        Assert.Equal(asCommitted, Assert.Single(builder.RolledBack(committed).ClosedBars).Candle);
    }

    [Fact]
    public void EachCommitIsTheNewPointARollBackReturnsTo()
    {
        var builder = MinuteBuilder(TimeSpan.FromHours(1));
        builder.Update(Buy(1, "2020-01-01T00:00:10Z", 100));
        builder.Update(Buy(2, "2020-01-01T00:01:10Z", 100));
        builder.MarkCommitted();
        builder.Update(Buy(3, "2020-01-01T00:02:10Z", 100));
        var second = builder.Checkpoint();
        builder.MarkCommitted();
        builder.Update(Buy(4, "2020-01-01T00:03:10Z", 100));
        var rolledBack = builder.RolledBack(second);
        Assert.Equal([Ms("2020-01-01T00:00:00Z"), Ms("2020-01-01T00:01:00Z")], rolledBack.ClosedBars.Select(b => b.Candle.OpenTimeMs));
        Assert.Equal(Ms("2020-01-01T00:02:00Z"), rolledBack.LiveBar!.Candle.OpenTimeMs);
    }

    [Fact]
    public void ARolledBackBuilderKeepsItsRetention()
    {
        var builder = MinuteBuilder(TimeSpan.FromHours(1));
        builder.Update(Buy(5, "2020-01-01T10:00:10Z", 100));
        var committed = builder.Checkpoint();
        builder.MarkCommitted();
        var rolledBack = builder.RolledBack(committed);
        Assert.Equal(Ms("2020-01-01T09:00:00Z"), rolledBack.RetainedFromMs);
        Assert.Equal(TickOutcome.TooOld, rolledBack.Update(Buy(1, "2020-01-01T08:00:00Z", 100)));
    }

    [Fact]
    public void FlushClosesTheLastBarAndALaterTickInItAmendsIt()
    {
        var builder = MinuteBuilder();
        builder.Update(Buy(1, "2026-03-01T10:00:10Z", 100));
        builder.Flush();
        Assert.Null(builder.LiveBar);
        Assert.Equal(Us("2026-03-01T10:01:00Z"), builder.WatermarkUs);
        Assert.Equal(TickOutcome.Amended, builder.Update(Buy(2, "2026-03-01T10:00:20Z", 101)));
        Assert.Equal(1, builder.ClosedBars[0].Candle.Revision);
    }

    [Fact]
    public void OutOfOrderTradeIdsInsideTheLiveBarAreNotDuplicates()
    {
        var builder = MinuteBuilder();
        builder.Update(Buy(1, "2026-03-01T10:00:10Z", 100));
        builder.Update(Buy(3, "2026-03-01T10:00:12Z", 100));
        Assert.Equal(TickOutcome.Applied, builder.Update(Buy(2, "2026-03-01T10:00:11Z", 100)));
        Assert.Equal(TickOutcome.Duplicate, builder.Update(Buy(2, "2026-03-01T10:00:11Z", 100)));
        Assert.Equal(3, builder.LiveBar!.Candle.Trades);
    }

    [Fact]
    public void ATickHalfAMillisecondIntoAMinuteBelongsToThatMinute()
    {
        var builder = MinuteBuilder();
        builder.Update(Buy(1, "2026-03-01T10:00:30Z", 100));
        builder.Update(new Ticks.Tick(2, Us("2026-03-01T10:01:00Z") + 500, 101, 1, Ticks.AggressorSide.Buy));
        Assert.Equal(Ms("2026-03-01T10:01:00Z"), builder.LiveBar!.Candle.OpenTimeMs);
        Assert.Equal(Ms("2026-03-01T10:00:00Z"), Assert.Single(builder.ClosedBars).Candle.OpenTimeMs);
    }

    [Theory]
    [InlineData(-1, -60_000)]
    [InlineData(-500, -60_000)]
    [InlineData(-60_000_000, -60_000)]
    [InlineData(-60_000_001, -120_000)]
    [InlineData(0, 0)]
    public void TicksBeforeTheEpochFallInTheMinuteThatHoldsThem(long timeUs, long openTimeMs)
    {
        var builder = MinuteBuilder();
        builder.Update(new Ticks.Tick(1, timeUs, 100, 1, Ticks.AggressorSide.Sell));
        Assert.Equal(openTimeMs, builder.LiveBar!.Candle.OpenTimeMs);
    }

    [Fact]
    public void EachLateTickRaisesTheRevisionAgainAndKeepsWhatTheBarHeld()
    {
        var builder = MinuteBuilder();
        builder.Update(Buy(10, "2026-03-01T10:00:10Z", 100, 2));
        builder.Update(Buy(20, "2026-03-01T10:01:10Z", 100));
        Assert.Equal(TickOutcome.Amended, builder.Update(Sell(11, "2026-03-01T10:00:20Z", 104, 3)));
        Assert.Equal(TickOutcome.Amended, builder.Update(Buy(9, "2026-03-01T10:00:05Z", 98, 5)));
        var candle = builder.ClosedBars[0].Candle;
        Assert.Equal(2, candle.Revision);
        Assert.Equal((98L, 104L, 98L, 104L, 3L), (candle.Open, candle.High, candle.Low, candle.Close, candle.Trades));
        Assert.Equal((9L, 11L), (candle.FirstTradeId, candle.LastTradeId));
        Assert.Equal((7L, 3L), ((long)candle.BuyVolume, (long)candle.SellVolume));
        Assert.Equal<Bars.PriceLevel>(
            [new Bars.PriceLevel(98, 5, 0, 1), new Bars.PriceLevel(100, 2, 0, 1), new Bars.PriceLevel(104, 0, 3, 1)],
            builder.ClosedBars[0].Footprint.Levels);
        Assert.Equal(4, (long)candle.Delta);
    }

    [Fact]
    public void EveryTickIsCountedUnderExactlyOneOutcome()
    {
        var builder = MinuteBuilder(TimeSpan.FromHours(1));
        builder.Update(Buy(10, "2026-03-01T10:00:10Z", 100));
        builder.Update(Buy(11, "2026-03-01T10:01:10Z", 100));
        builder.Update(Buy(12, "2026-03-01T10:02:10Z", 100));
        builder.Update(Buy(13, "2026-03-01T10:03:10Z", 100));
        builder.Update(Buy(8, "2026-03-01T10:00:20Z", 100));
        builder.Update(Buy(9, "2026-03-01T10:01:20Z", 100));
        builder.Update(Buy(10, "2026-03-01T10:00:10Z", 100));
        builder.Update(Buy(12, "2026-03-01T10:02:10Z", 100));
        builder.Update(Buy(8, "2026-03-01T10:00:20Z", 100));
        builder.Update(Buy(1, "2026-03-01T08:00:00Z", 100));
        Assert.Equal(new BuilderCounters(4, 2, 3, 1), builder.Counters);
        Assert.Equal(10, builder.Counters.Total);
    }

    [Fact]
    public void AQuietMinuteFilledLateAfterTheClockClosedTheLiveBarIsTheNewestBar()
    {
        var builder = MinuteBuilder(TimeSpan.FromHours(1));
        builder.Update(Buy(1, "2026-03-01T10:00:10Z", 100));
        builder.Scan(Us("2026-03-01T10:05:00Z"));
        Assert.Equal(TickOutcome.Amended, builder.Update(Buy(2, "2026-03-01T10:03:10Z", 100)));
        Assert.Equal(Ms("2026-03-01T10:03:00Z"), builder.LastOpenTimeMs);
        Assert.Equal(Ms("2026-03-01T09:03:00Z"), builder.RetainedFromMs);
    }

    [Fact]
    public void ALateTickInAQuietMinuteBetweenClosedBarsIsInsertedInOrder()
    {
        var builder = MinuteBuilder();
        builder.Update(Buy(1, "2026-03-01T10:00:10Z", 100));
        builder.Update(Buy(2, "2026-03-01T10:05:10Z", 100));
        builder.Update(Buy(4, "2026-03-01T10:07:10Z", 100));
        Assert.Equal(TickOutcome.Amended, builder.Update(Buy(3, "2026-03-01T10:02:10Z", 100)));
        Assert.Equal(
            [Ms("2026-03-01T10:00:00Z"), Ms("2026-03-01T10:02:00Z"), Ms("2026-03-01T10:05:00Z")],
            builder.ClosedBars.Select(b => b.Candle.OpenTimeMs));
        Assert.Equal([0, 1, 0], builder.ClosedBars.Select(b => b.Candle.Revision));
    }

    [Fact]
    public void ALateTickInTheOldestClosedBarAmendsThatBar()
    {
        var builder = MinuteBuilder();
        builder.Update(Buy(1, "2026-03-01T10:00:10Z", 100));
        builder.Update(Buy(2, "2026-03-01T10:01:10Z", 100));
        builder.Update(Buy(3, "2026-03-01T10:02:10Z", 100));
        builder.Update(Buy(4, "2026-03-01T10:03:10Z", 100));
        Assert.Equal(TickOutcome.Amended, builder.Update(Buy(5, "2026-03-01T10:00:20Z", 100)));
        Assert.Equal(TickOutcome.Amended, builder.Update(Buy(6, "2026-03-01T10:02:20Z", 100)));
        Assert.Equal([2L, 1, 2], builder.ClosedBars.Select(b => b.Candle.Trades));
        Assert.Equal([1, 0, 1], builder.ClosedBars.Select(b => b.Candle.Revision));
    }

    [Fact]
    public void TheOldestAndNewestOpenTimesFollowTheLiveAndClosedBars()
    {
        var builder = MinuteBuilder(TimeSpan.FromMinutes(2));
        Assert.Null(builder.FirstOpenTimeMs);
        Assert.Null(builder.LastOpenTimeMs);
        builder.Update(Buy(1, "2026-03-01T10:00:10Z", 100));
        Assert.Equal((Ms("2026-03-01T10:00:00Z"), Ms("2026-03-01T10:00:00Z")), (builder.FirstOpenTimeMs, builder.LastOpenTimeMs));
        builder.Update(Buy(2, "2026-03-01T10:01:10Z", 100));
        Assert.Equal((Ms("2026-03-01T10:00:00Z"), Ms("2026-03-01T10:01:00Z")), (builder.FirstOpenTimeMs, builder.LastOpenTimeMs));
        builder.Update(Buy(3, "2026-03-01T10:03:10Z", 100));
        Assert.Equal((Ms("2026-03-01T10:01:00Z"), Ms("2026-03-01T10:03:00Z")), (builder.FirstOpenTimeMs, builder.LastOpenTimeMs));
        builder.Flush();
        Assert.Equal((Ms("2026-03-01T10:01:00Z"), Ms("2026-03-01T10:03:00Z")), (builder.FirstOpenTimeMs, builder.LastOpenTimeMs));
    }

    [Fact]
    public void TheRetainedHistoryStartsTheRetentionBeforeTheNewestBar()
    {
        var builder = MinuteBuilder(TimeSpan.FromHours(1));
        Assert.Equal(long.MinValue, builder.RetainedFromMs);
        builder.Update(Buy(1, "2026-03-01T10:00:10Z", 100));
        Assert.Equal(Ms("2026-03-01T09:00:00Z"), builder.RetainedFromMs);
        builder.Update(Buy(2, "2026-03-01T10:30:10Z", 100));
        builder.Flush();
        Assert.Equal(Ms("2026-03-01T09:30:00Z"), builder.RetainedFromMs);
        Assert.Equal(long.MinValue, MinuteBuilder(retention: null).RetainedFromMs);
    }

    [Fact]
    public void WithoutRetentionATickOfAnyAgeAmendsItsBar()
    {
        var builder = MinuteBuilder(retention: null);
        builder.Update(Buy(5, "2026-03-01T10:00:10Z", 100));
        Assert.Equal(TickOutcome.Amended, builder.Update(Buy(1, "2016-03-01T10:00:10Z", 100)));
        Assert.Equal(Ms("2016-03-01T10:00:00Z"), builder.FirstOpenTimeMs);
    }

    [Fact]
    public void TradeIdsOfBarsThatLeftTheRetentionAreForgotten()
    {
        var builder = MinuteBuilder(TimeSpan.FromMinutes(1));
        builder.Update(Buy(1, "2026-03-01T10:00:10Z", 100));
        builder.Update(Buy(5, "2026-03-01T10:01:10Z", 100));
        builder.Update(Buy(9, "2026-03-01T10:02:10Z", 100));
        Assert.Equal([(5L, 5L), (9L, 9L)], builder.Checkpoint().AppliedIds);
        Assert.Equal([Ms("2026-03-01T10:01:00Z")], builder.ClosedBars.Select(b => b.Candle.OpenTimeMs));
    }

    [Fact]
    public void AfterALongSilenceEveryOldBarIsDroppedAndTheNewBarStillForms()
    {
        var builder = MinuteBuilder(TimeSpan.FromHours(1));
        builder.Update(Buy(1, "2026-03-01T10:00:10Z", 100));
        builder.Update(Buy(3, "2026-03-01T10:01:10Z", 100));
        Assert.Equal(TickOutcome.Applied, builder.Update(Buy(7, "2026-03-02T10:00:10Z", 100)));
        Assert.Empty(builder.ClosedBars);
        Assert.Equal(Ms("2026-03-02T10:00:00Z"), builder.FirstOpenTimeMs);
        Assert.Equal(TickOutcome.TooOld, builder.Update(Buy(2, "2026-03-01T10:00:20Z", 100)));
    }

    [Fact]
    public void ScanningBeforeTheBarEndsKeepsItLiveAndNeverMovesTheWatermarkBack()
    {
        var builder = MinuteBuilder();
        builder.Update(Buy(1, "2026-03-01T10:00:30Z", 100));
        builder.Scan(Us("2026-03-01T10:00:10Z"));
        Assert.Equal(Us("2026-03-01T10:00:30Z"), builder.WatermarkUs);
        builder.Scan(Us("2026-03-01T10:00:59.999Z"));
        Assert.NotNull(builder.LiveBar);
        Assert.Equal(Us("2026-03-01T10:00:59.999Z"), builder.WatermarkUs);
        builder.Flush();
        builder.Flush();
        Assert.Single(builder.ClosedBars);
        var changes = new List<BarChange>();
        builder.DrainChanges(changes);
        builder.DrainChanges(changes);
        Assert.Single(changes);
    }

    [Fact]
    public void AnOlderTickInsideTheLiveBarDoesNotMoveTheWatermarkBack()
    {
        var builder = MinuteBuilder();
        builder.Update(Buy(2, "2026-03-01T10:00:30Z", 100));
        Assert.Equal(TickOutcome.Applied, builder.Update(Buy(1, "2026-03-01T10:00:10Z", 100)));
        Assert.Equal(Us("2026-03-01T10:00:30Z"), builder.WatermarkUs);
        Assert.Equal(long.MinValue, MinuteBuilder().WatermarkUs);
    }

    [Fact]
    public void PepeSizedVolumesSumExactlyPastSixtyFourBits()
    {
        // Tick 0.00000001 and quantity step 1: a price of 0.00002000 is 2000 ticks, 10^10 tokens a trade,
        // 10^6 trades: 10^16 tokens and 2 × 10^19 tick-steps of quote volume, beyond long.MaxValue.
        var builder = new BarBuilder(Schedule("1d"), new BarBuilderOptions { Retention = null });
        var start = Us("2026-03-01T00:00:00Z");
        for (var i = 0; i < 1_000_000; i++)
        {
            builder.Update(new Ticks.Tick(i, start + (i * 80_000L), 2000, 10_000_000_000, i % 2 == 0 ? Ticks.AggressorSide.Buy : Ticks.AggressorSide.Sell));
        }

        var candle = builder.LiveBar!.Candle;
        Assert.Equal((Volume)Int128.Parse("10000000000000000"), candle.Volume);
        Assert.Equal((Volume)Int128.Parse("20000000000000000000"), candle.QuoteVolume);
        Assert.True(candle.QuoteVolume > long.MaxValue);
        var instrument = new Instruments.Instrument(Instruments.InstrumentId.Parse("BINANCE:PEPEUSDT"), Instruments.Increment.Parse("0.00000001"), Instruments.Increment.Parse("1"));
        Assert.Equal("200000000000.00000000", instrument.FormatQuoteVolume(candle.QuoteVolume));
    }
}

public class BarBuilderRangeTests
{
    [Fact]
    public void BarsBetweenIsHalfOpenAndIncludesTheLiveBar()
    {
        var builder = TestTicks.MinuteBuilder();
        builder.Update(TestTicks.Buy(1, "2026-03-01T10:00:10Z", 100));
        builder.Update(TestTicks.Buy(2, "2026-03-01T10:02:10Z", 100));
        builder.Update(TestTicks.Buy(3, "2026-03-01T10:04:10Z", 100));
        var from = TestTicks.Ms("2026-03-01T10:02:00Z");
        Assert.Equal([from, TestTicks.Ms("2026-03-01T10:04:00Z")], builder.BarsBetween(from, long.MaxValue).Select(b => b.Candle.OpenTimeMs));
        Assert.Equal([from], builder.BarsBetween(from - 1, TestTicks.Ms("2026-03-01T10:04:00Z")).Select(b => b.Candle.OpenTimeMs));
        Assert.Empty(builder.BarsBetween(TestTicks.Ms("2026-03-01T10:05:00Z"), long.MaxValue));
    }

    [Fact]
    public void BarsBetweenIncludesABarOpeningAtFromAndExcludesOneOpeningAtTo()
    {
        var builder = TestTicks.MinuteBuilder();
        foreach (var (id, minute) in new[] { (1, "00"), (2, "01"), (3, "02"), (4, "03"), (5, "04") })
        {
            builder.Update(TestTicks.Buy(id, $"2026-03-01T10:{minute}:10Z", 100));
        }

        long At(string minute) => TestTicks.Ms($"2026-03-01T10:{minute}:00Z");
        Assert.Equal([At("01"), At("02")], builder.BarsBetween(At("01"), At("03")).Select(b => b.Candle.OpenTimeMs));
        Assert.Equal([At("03")], builder.BarsBetween(At("03"), At("04")).Select(b => b.Candle.OpenTimeMs));
        Assert.Equal([At("04")], builder.BarsBetween(At("04"), At("04") + 1).Select(b => b.Candle.OpenTimeMs));
        Assert.Equal([At("00"), At("01")], builder.BarsBetween(long.MinValue, At("01") + 1).Select(b => b.Candle.OpenTimeMs));
        Assert.Empty(builder.BarsBetween(At("02"), At("02")));
        Assert.Empty(builder.BarsBetween(At("03"), At("01")));
        Assert.Equal([At("00")], builder.BarsBetween(At("00"), At("01")).Select(b => b.Candle.OpenTimeMs));
        Assert.Equal(5, builder.BarsBetween(long.MinValue, long.MaxValue).Count);
    }
}

public class BarBuilderCheckpointTests
{
    [Fact]
    public void ABuilderRestoredFromItsCheckpointCarriesOnAsIfNeverStopped()
    {
        var ticks = new[]
        {
            TestTicks.Buy(1, "2026-03-01T10:00:10Z", 100), TestTicks.Sell(2, "2026-03-01T10:01:10Z", 99, 3),
            TestTicks.Buy(3, "2026-03-01T10:01:20Z", 101),
        };
        var original = TestTicks.MinuteBuilder();
        foreach (var tick in ticks)
        {
            original.Update(tick);
        }

        var restored = BarBuilder.Restore(TestTicks.Schedule("1m"), new BarBuilderOptions(), [.. original.ClosedBars], original.Checkpoint());

        // The same duplicate, late and new ticks then give the same outcomes and bars.
        var more = new[] { ticks[1], TestTicks.Buy(5, "2026-03-01T10:00:30Z", 98), TestTicks.Buy(4, "2026-03-01T10:01:30Z", 102), TestTicks.Buy(6, "2026-03-01T10:02:00Z", 103) };
        Assert.Equal(more.Select(t => original.Update(t)), more.Select(t => restored.Update(t)));
        Assert.Equal(original.ClosedBars.Select(b => b.Candle), restored.ClosedBars.Select(b => b.Candle));
        Assert.Equal(original.LiveBar!.Candle, restored.LiveBar!.Candle);
        Assert.Equal(original.WatermarkUs, restored.WatermarkUs);
    }

    [Fact]
    public void ALiveBarTheStoreAlreadyHoldsClosedIsDropped()
    {
        var builder = TestTicks.MinuteBuilder();
        builder.Update(TestTicks.Buy(1, "2026-03-01T10:00:10Z", 100));
        var checkpoint = builder.Checkpoint();
        builder.Flush();
        var restored = BarBuilder.Restore(TestTicks.Schedule("1m"), null, [.. builder.ClosedBars], checkpoint);
        Assert.Null(restored.LiveBar);
        Assert.Single(restored.ClosedBars);
    }

    [Fact]
    public void ARestoredLiveBarKeepsItsFootprintAndCarriesOn()
    {
        var builder = TestTicks.MinuteBuilder();
        builder.Update(TestTicks.Buy(1, "2026-03-01T10:00:10Z", 100));
        builder.Update(TestTicks.Buy(2, "2026-03-01T10:01:10Z", 100, 2));
        builder.Update(TestTicks.Sell(3, "2026-03-01T10:01:20Z", 101, 3));
        var restored = BarBuilder.Restore(TestTicks.Schedule("1m"), null, [.. builder.ClosedBars], builder.Checkpoint());
        Assert.Equal(builder.LiveBar!.Candle, restored.LiveBar!.Candle);
        Assert.Equal<Bars.PriceLevel>(builder.LiveBar.Footprint.Levels, restored.LiveBar.Footprint.Levels);
        Assert.Equal(TickOutcome.Applied, restored.Update(TestTicks.Sell(4, "2026-03-01T10:01:30Z", 101, 1)));
        Assert.Equal<Bars.PriceLevel>([new Bars.PriceLevel(100, 2, 0, 1), new Bars.PriceLevel(101, 0, 4, 2)], restored.LiveBar!.Footprint.Levels);
        Assert.Equal(3, restored.LiveBar.Candle.Trades);
    }

    [Fact]
    public void ABuilderRestoredWithOnlyALiveBarCarriesOnWithIt()
    {
        var builder = TestTicks.MinuteBuilder();
        builder.Update(TestTicks.Buy(1, "2026-03-01T10:00:10Z", 100));
        var restored = BarBuilder.Restore(TestTicks.Schedule("1m"), null, [], builder.Checkpoint());
        Assert.Equal(builder.LiveBar!.Candle, restored.LiveBar!.Candle);
        Assert.Equal(TickOutcome.Duplicate, restored.Update(TestTicks.Buy(1, "2026-03-01T10:00:10Z", 100)));
        restored.Update(TestTicks.Buy(2, "2026-03-01T10:01:10Z", 100));
        Assert.Equal(builder.LiveBar.Candle, Assert.Single(restored.ClosedBars).Candle);
    }

    [Fact]
    public void ABuilderRestoredWithNoBarsTakesALateTickAsACorrection()
    {
        var checkpoint = new BuilderCheckpoint(TestTicks.Us("2026-03-01T10:05:00Z"), [(1, 10)], null);
        var restored = BarBuilder.Restore(TestTicks.Schedule("1m"), new BarBuilderOptions(), [], checkpoint);
        Assert.Equal(TickOutcome.Duplicate, restored.Update(TestTicks.Buy(10, "2026-03-01T10:04:10Z", 100)));
        Assert.Equal(TickOutcome.Amended, restored.Update(TestTicks.Buy(11, "2026-03-01T10:04:10Z", 100)));
        Assert.Equal(1, Assert.Single(restored.ClosedBars).Candle.Revision);
    }

    [Fact]
    public void FootprintsStayExactWhenAWideBarIsFollowedByNarrowOnesAndAWideOneAgain()
    {
        // A wide bar grows the level window; the narrow bar after it gives the window back; the next wide bar grows it again.
        var builder = MinuteBuilder();
        var spans = new[] { ("2026-03-01T10:00:", 3000L), ("2026-03-01T10:01:", 3L), ("2026-03-01T10:02:", 5000L), ("2026-03-01T10:03:", 1L) };
        long id = 0;
        foreach (var (minute, span) in spans)
        {
            builder.Update(Buy(++id, minute + "01Z", 100_000));
            builder.Update(Sell(++id, minute + "02Z", 100_000 + span, 2));
            builder.Update(Buy(++id, minute + "03Z", 100_000 + (span / 2), 3));
        }

        builder.Flush();
        var footprints = builder.ClosedBars.Select(b => string.Join(' ', b.Footprint.Levels.Select(l => $"{l.Price}:{l.BuyVolume}/{l.SellVolume}/{l.Trades}"))).ToList();
        Assert.Equal(
            [
                "100000:1/0/1 101500:3/0/1 103000:0/2/1", "100000:1/0/1 100001:3/0/1 100003:0/2/1",
                "100000:1/0/1 102500:3/0/1 105000:0/2/1", "100000:4/0/2 100001:0/2/1",
            ],
            footprints);
    }

    [Fact]
    public void TheLevelWindowAWideBarGrewIsGivenBackAfterANarrowOne()
    {
        var accumulator = new FootprintAccumulator();
        var initial = accumulator.WindowLength;
        accumulator.Add(Buy(1, "2026-03-01T10:00:01Z", 100_000));
        accumulator.Add(Buy(2, "2026-03-01T10:00:02Z", 103_000));
        Assert.Equal(2, accumulator.ToFootprint().Levels.Length);
        accumulator.Clear();
        var grown = accumulator.WindowLength;
        Assert.True(grown > 1024, $"a 3,000-level bar left a window of {grown} slots");

        accumulator.Add(Sell(3, "2026-03-01T10:01:01Z", 100_000, 2));
        Assert.Equal("100000:0/2/1", string.Join(' ', accumulator.ToFootprint().Levels.Select(l => $"{l.Price}:{l.BuyVolume}/{l.SellVolume}/{l.Trades}")));
        accumulator.Clear();
        Assert.Equal(initial, accumulator.WindowLength);
    }
}
