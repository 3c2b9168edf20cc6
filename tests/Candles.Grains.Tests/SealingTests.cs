using System.Diagnostics;
using System.Globalization;
using Candles.Abstractions.Grains;
using Candles.Abstractions.Wire;
using Candles.Core.Bars;
using Candles.Core.Ticks;
using Candles.Core.Timeframes;
using Candles.Storage.Sealed;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Candles.Grains.Tests;

[Collection(nameof(SharedCluster))]
public class SealingTests(ClusterFixture fixture)
{
    private static Tick Buy(long id, string iso) => At.Buy(id, iso, 100 + id);

    /// <summary>At least <paramref name="count"/> sealed bars, read again a moment later so a stray extra one shows.</summary>
    private async Task<IReadOnlyList<Bar>> SealedAsync(string instrument, string timeframe, string zone, int count)
    {
        await fixture.SealedAsync(instrument, timeframe, zone, bars => bars.Count >= count);
        await Task.Delay(100);
        return await fixture.SealedBars.LoadAsync(new SealedSeries(instrument, Timeframe.Parse(timeframe), zone), long.MinValue, long.MaxValue);
    }

    /// <summary>An instrument whose 1 April (09:00 and 11:00 UTC, trades 1 and 2) is sealed, the newest trade 2 April 10:00.</summary>
    private async Task<ISymbolGrain> FirstOfAprilSealedAsync(string instrument)
    {
        var grain = await fixture.DefinedAsync(instrument);
        await grain.Ingest([Buy(1, "2026-04-01T09:00:00Z"), Buy(2, "2026-04-01T11:00:00Z"), Buy(3, "2026-04-02T10:00:00Z")], live: false);
        await SealedAsync(instrument, "1d", "UTC", 1);
        return grain;
    }

    /// <summary>The 1st's 11:00 minute holds its one trade, unrevised, and the sealed 1st its two.</summary>
    private async Task FirstOfAprilUnchangedAsync(ISymbolGrain grain, string instrument)
    {
        var minute = Assert.Single((await grain.GetMinuteBars(At.Ms("2026-04-01T11:00:00Z"), At.Ms("2026-04-01T11:01:00Z"))).Bars);
        Assert.Equal((1L, 0), (minute.Candle.Trades, minute.Candle.Revision));
        Assert.Equal(("2026-04-01T00:00Z", "2026-04-02T00:00Z", 2L), Row((await SealedAsync(instrument, "1d", "UTC", 1))[0]));
    }

    private static (string Open, string End, long Trades) Row(Bar bar) =>
        (DateTimeOffset.FromUnixTimeMilliseconds(bar.Candle.OpenTimeMs).ToString("yyyy-MM-ddTHH:mmZ", CultureInfo.InvariantCulture),
         DateTimeOffset.FromUnixTimeMilliseconds(bar.Candle.Period.EndMs).ToString("yyyy-MM-ddTHH:mmZ", CultureInfo.InvariantCulture),
         bar.Candle.Trades);

    [Fact]
    public async Task EachZoneSealsItsOwnDaysAndWeeksAcrossADaylightSavingChange()
    {
        var grain = fixture.Grains.GetGrain<ISymbolGrain>("TEST:ZONES");
        await grain.Define(new InstrumentSpec("TEST:ZONES", "0.01", "0.001"));
        await grain.Ingest(
            [
                Buy(1, "2026-03-06T04:30:00Z"), // New York Thu 5th 23:30 · Tokyo Fri 6th 13:30
                Buy(2, "2026-03-06T05:30:00Z"), // New York Fri 6th 00:30 · Tokyo Fri 6th 14:30
                Buy(3, "2026-03-06T15:30:00Z"), // New York Fri 6th 10:30 · Tokyo Sat 7th 00:30
                Buy(4, "2026-03-07T06:00:00Z"), // New York Sat 7th 01:00 · Tokyo Sat 7th 15:00
                Buy(5, "2026-03-08T12:00:00Z"), // New York Sun 8th 08:00 EDT (clocks went forward at 02:00) · Tokyo Sun 8th 21:00
                Buy(6, "2026-03-09T04:30:00Z"), // New York Mon 9th 00:30 EDT · Tokyo Mon 9th 13:30
            ],
            live: false);

        // Days end at local midnight: New York's Sunday 8th has 23 hours; each zone's last day is still live.
        Assert.Equal(
            [("2026-03-05T05:00Z", "2026-03-06T05:00Z", 1L), ("2026-03-06T05:00Z", "2026-03-07T05:00Z", 2L), ("2026-03-07T05:00Z", "2026-03-08T05:00Z", 1L), ("2026-03-08T05:00Z", "2026-03-09T04:00Z", 1L)],
            (await SealedAsync("TEST:ZONES", "1d", "America/New_York", 4)).Select(Row));
        Assert.Equal(
            [("2026-03-05T15:00Z", "2026-03-06T15:00Z", 2L), ("2026-03-06T15:00Z", "2026-03-07T15:00Z", 2L), ("2026-03-07T15:00Z", "2026-03-08T15:00Z", 1L)],
            (await SealedAsync("TEST:ZONES", "1d", "Asia/Tokyo", 3)).Select(Row));
        Assert.Equal(
            [("2026-03-06T00:00Z", "2026-03-07T00:00Z", 3L), ("2026-03-07T00:00Z", "2026-03-08T00:00Z", 1L), ("2026-03-08T00:00Z", "2026-03-09T00:00Z", 1L)],
            (await SealedAsync("TEST:ZONES", "1d", "UTC", 3)).Select(Row));

        // The week Monday 2nd to Sunday 8th has ended in New York and Tokyo (trades 1-5); in UTC it has too.
        Assert.Equal([("2026-03-02T05:00Z", "2026-03-09T04:00Z", 5L)], (await SealedAsync("TEST:ZONES", "1w", "America/New_York", 1)).Select(Row));
        Assert.Equal([("2026-03-01T15:00Z", "2026-03-08T15:00Z", 5L)], (await SealedAsync("TEST:ZONES", "1w", "Asia/Tokyo", 1)).Select(Row));
        Assert.Equal([("2026-03-02T00:00Z", "2026-03-09T00:00Z", 5L)], (await SealedAsync("TEST:ZONES", "1w", "UTC", 1)).Select(Row));
        Assert.Empty(await fixture.SealedBars.LoadAsync(new SealedSeries("TEST:ZONES", Timeframe.Parse("1M"), "Asia/Tokyo"), long.MinValue, long.MaxValue));
    }

    [Fact]
    public async Task ADayThatEndedWhileNothingRanIsSealedByTheReminderAfterwards()
    {
        const string id = "TEST:CATCHUP";
        var grain = fixture.Grains.GetGrain<ISymbolGrain>(id);
        await grain.Define(new InstrumentSpec(id, "0.01", "0.001"));

        // A live source trades shortly before midnight UTC...
        var now = fixture.Clock.GetUtcNow();
        var midnight = new DateTimeOffset(now.Year, now.Month, now.Day, 0, 0, 0, TimeSpan.Zero).AddDays(1);
        fixture.Clock.SetUtcNow(midnight.AddSeconds(-30));
        await grain.Ingest([new Tick(1, midnight.AddSeconds(-20).ToUnixTimeMilliseconds() * 1000, 100, 1, AggressorSide.Buy)], live: true);

        // ...then everything stops before the minute closes: no grain runs and no tick arrives.
        await RestAsync(grain, id);

        await Task.Delay(300);
        Assert.Empty(await fixture.SealedBars.LoadAsync(new SealedSeries(id, Timeframe.Parse("1d"), "UTC"), long.MinValue, long.MaxValue));

        // Minutes later the sealers' reminders come due: the instrument wakes, closes its quiet minute by the
        // clock, and the day is sealed, though no tick ever arrived after midnight.
        for (var minute = 1; minute < 5; minute++)
        {
            fixture.Clock.SetUtcNow(midnight.AddMinutes(minute));
            await Task.Delay(200);
        }

        var day = Assert.Single(await SealedAsync(id, "1d", "UTC", 1));
        Assert.Equal((midnight.AddDays(-1).ToUnixTimeMilliseconds(), 1L), (day.Candle.OpenTimeMs, day.Candle.Trades));
    }

    [Fact]
    public async Task DailyCandlesFollowACorrectionOfASealedDay()
    {
        var grain = fixture.Grains.GetGrain<ISymbolGrain>("TEST:DAILY");
        await grain.Define(new InstrumentSpec("TEST:DAILY", "0.01", "0.001"));
        await grain.Ingest([Buy(10, "2026-04-01T10:00:00Z"), Buy(20, "2026-04-02T10:00:00Z")], live: false);
        await SealedAsync("TEST:DAILY", "1d", "UTC", 1);
        var days = fixture.Grains.GetGrain<ITimeframeGrain>(GrainKeys.Timeframe("TEST:DAILY", Timeframe.Parse("1d"), "UTC"));
        var all = new BarsQuery(long.MinValue, long.MaxValue, 10, null);
        Assert.Equal([(1L, 0), (1L, 0)], (await days.GetBars(all)).Bars.Select(b => (b.Candle.Trades, b.Candle.Revision)));

        // A late tick: the day is corrected at once from 1m, and stays corrected once re-sealed.
        await grain.Ingest([Buy(11, "2026-04-01T11:00:00Z")], live: false);
        Assert.Equal([(2L, 1), (1L, 0)], (await days.GetBars(all)).Bars.Select(b => (b.Candle.Trades, b.Candle.Revision)));
        await fixture.SealedAsync("TEST:DAILY", "1d", "UTC", bars => bars[0].Candle.Revision == 1);
        Assert.Equal([(2L, 1), (1L, 0)], (await days.GetBars(all)).Bars.Select(b => (b.Candle.Trades, b.Candle.Revision)));
    }

    [Fact]
    public async Task DailyCandlesAreServedWhileASealWaitsOnPostgres()
    {
        const string id = "TEST:SLOWSEAL";
        var sealer = await WhileTheFirstSealWaitsAsync(id, [Buy(10, "2026-04-08T10:00:00Z"), Buy(20, "2026-04-09T10:00:00Z")], async sealer =>
        {
            // The 1d timeframe asks the sealer how far it has got: answered at once, from before the seal in progress,
            // rather than after its commit (under load, past the 30-second call timeout: a 503).
            Assert.Equal(long.MinValue, (await sealer.GetSealState().WaitAsync(TimeSpan.FromSeconds(5))).SealedThroughMs);
            var days = fixture.Grains.GetGrain<ITimeframeGrain>(GrainKeys.Timeframe(id, Timeframe.Parse("1d"), "UTC"));
            var served = await days.GetBars(new BarsQuery(long.MinValue, long.MaxValue, 10, null)).WaitAsync(TimeSpan.FromSeconds(5));
            Assert.Equal([(At.Ms("2026-04-08T00:00:00Z"), 1L), (At.Ms("2026-04-09T00:00:00Z"), 1L)], served.Bars.Select(b => (b.Candle.OpenTimeMs, b.Candle.Trades)));
        });

        await SealedAsync(id, "1d", "UTC", 1);
        Assert.True(
            await ClusterFixture.EventuallyAsync(async () => (await sealer.GetSealState()).SealedThroughMs == At.Ms("2026-04-09T00:00:00Z")),
            "the seal never moved past the sealed day");
    }

    [Fact]
    public async Task ACorrectionWhoseResealFailedIsResealedByTheReminderFromTheRevisionsAlone()
    {
        var grain = await fixture.DefinedAsync("TEST:RESEALCHECK");
        await grain.Ingest([Buy(10, "2026-04-05T10:00:00Z"), Buy(20, "2026-04-06T10:00:00Z")], live: false);
        await SealedAsync("TEST:RESEALCHECK", "1d", "UTC", 1);

        // The late tick's re-seal on the stream fails (PostgreSQL down).
        fixture.SealedWrites.FailNextUpsert("TEST:RESEALCHECK", "UTC");
        Assert.Equal(1, (await grain.Ingest([Buy(11, "2026-04-05T11:00:00Z")], live: false)).Amended);
        Assert.True(await ClusterFixture.EventuallyAsync(() => Task.FromResult(fixture.SealedWrites.Failed("TEST:RESEALCHECK", "UTC"))), "the re-seal was never tried");

        // The reminder finds the day stale from the minutes' revisions and seals it again.
        await MinutesPassAsync();

        var day = (await fixture.SealedAsync("TEST:RESEALCHECK", "1d", "UTC", bars => bars[0].Candle.Revision == 1))[0];
        Assert.Equal((2L, 10L), (day.Candle.Trades, day.Candle.FirstTradeId));
    }

    [Fact]
    public async Task ACorrectedDaysWeekIsResealedWithItEvenWhenTheWeeksWriteFailed()
    {
        const string instrument = "TEST:RESEALWEEK";
        var grain = await fixture.DefinedAsync(instrument);
        await grain.Ingest([Buy(10, "2026-04-08T10:00:00Z"), Buy(20, "2026-04-13T10:00:00Z")], live: false);
        await SealedAsync(instrument, "1w", "UTC", 1);

        // The late tick's re-seal fails as it writes the week (PostgreSQL gone in the middle of it).
        fixture.SealedWrites.FailNextUpsert(instrument, "UTC", "1w");
        Assert.Equal(1, (await grain.Ingest([Buy(11, "2026-04-08T11:00:00Z")], live: false)).Amended);
        Assert.True(await ClusterFixture.EventuallyAsync(() => Task.FromResult(fixture.SealedWrites.Failed(instrument, "UTC", "1w"))), "the re-seal was never tried");

        var start = fixture.Clock.GetUtcNow();
        for (var minute = 1; minute <= 3; minute++)
        {
            fixture.Clock.SetUtcNow(start.AddMinutes(minute));
            await Task.Delay(200);
        }

        // The day and its week both hold the late trade: a day stored alone would look re-sealed, and its week never would be.
        var week = (await fixture.SealedAsync(instrument, "1w", "UTC", bars => bars[0].Candle.Trades == 2))[0];
        var day = (await SealedAsync(instrument, "1d", "UTC", 1))[0];
        Assert.Equal((2L, 1), (day.Candle.Trades, day.Candle.Revision));
        Assert.Equal((2L, 1), (week.Candle.Trades, week.Candle.Revision));
    }

    [Fact]
    public async Task AWeekAndMonthWhoseLastDaysHadNoTradesAreSealedOnceTheyHaveFinished()
    {
        // Live trading, the quiet days closed by the clock: a Monday's trade, then nothing until the week has ended; a
        // trade on the day before a month's last, then nothing until the month has ended. Neither period has a day of
        // its own left to seal when it finishes.
        var grain = await fixture.DefinedAsync("TEST:QUIETEND");
        var now = fixture.Clock.GetUtcNow();
        var monday = now.Date.AddDays(2 + ((8 - (int)now.AddDays(2).DayOfWeek) % 7));
        var nextMonth = new DateTimeOffset(monday.Year, monday.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(2);
        var beforeMonthEnd = nextMonth.AddDays(-2).AddHours(10);

        await TradeAtAsync(grain, 1, new DateTimeOffset(monday, TimeSpan.Zero).AddHours(10));
        fixture.Clock.SetUtcNow(new DateTimeOffset(monday, TimeSpan.Zero).AddDays(1).AddMinutes(10));
        await SealedAsync("TEST:QUIETEND", "1d", "UTC", 1);
        fixture.Clock.SetUtcNow(new DateTimeOffset(monday, TimeSpan.Zero).AddDays(7).AddMinutes(10));
        var week = Assert.Single(await SealedAsync("TEST:QUIETEND", "1w", "UTC", 1));
        Assert.Equal((new DateTimeOffset(monday, TimeSpan.Zero).ToUnixTimeMilliseconds(), 1L), (week.Candle.OpenTimeMs, week.Candle.Trades));

        await TradeAtAsync(grain, 2, beforeMonthEnd);
        fixture.Clock.SetUtcNow(nextMonth.AddDays(-1).AddMinutes(10));
        await SealedAsync("TEST:QUIETEND", "1d", "UTC", 2);
        fixture.Clock.SetUtcNow(nextMonth.AddMinutes(10));
        var month = (await fixture.SealedAsync("TEST:QUIETEND", "1M", "UTC", bars => bars.Any(b => b.Candle.Period.EndMs == nextMonth.ToUnixTimeMilliseconds())))[^1];
        Assert.Equal(nextMonth.AddMonths(-1).ToUnixTimeMilliseconds(), month.Candle.OpenTimeMs);
        Assert.Equal(1L, month.Candle.Trades);
    }

    [Fact]
    public async Task AQuietLiveInstrumentsSealersWaitForItsDayToEndAndThenLetItRest()
    {
        // A live source trades one morning and never again.
        const string id = "TEST:QUIETLIVE";
        var (grain, midnight) = await LiveTradeOneMorningAsync(id);
        await MinutesPassAsync(midnight.AddHours(-15), 1, 4);

        // The sealer comes back when the day has ended, not every minute: each check woke the instrument, whose wake-up
        // sent a watermark minute, which started the checking again, so its grains never rested.
        var check = await CheckWhenAsync(id, "UTC", c => c is not null && c.StartAt >= midnight.UtcDateTime);
        Assert.True(check is { } c && c.StartAt >= midnight.UtcDateTime, $"the sealer checks again at {check?.StartAt:O}, before the day ends");

        // The grains rest (deactivated here, as the idle collection does); when the check comes due it wakes the
        // instrument, which closes its quiet minutes by the clock, and the day is sealed.
        await RestAsync(grain, id);
        await MinutesPassAsync(midnight, 0, 3);
        var day = Assert.Single(await SealedAsync(id, "1d", "UTC", 1));
        Assert.Equal((midnight.AddDays(-1).ToUnixTimeMilliseconds(), 1L), (day.Candle.OpenTimeMs, day.Candle.Trades));

        // So are the week and the month holding that day, each once it has ended, though no day of theirs trades again.
        var tradeDay = midnight.AddDays(-1);
        var weekEnd = tradeDay.AddDays((8 - (int)tradeDay.DayOfWeek) % 7 is var d and > 0 ? d : 7);
        var monthEnd = new DateTimeOffset(tradeDay.Year, tradeDay.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1);
        foreach (var (end, timeframe) in new[] { (weekEnd, "1w"), (monthEnd, "1M") }.OrderBy(p => p.Item1))
        {
            var waiting = await CheckWhenAsync(id, "UTC", w => w is not null && w.StartAt >= end.UtcDateTime);
            Assert.True(waiting is { } w && w.StartAt >= end.UtcDateTime, $"the sealer checks again at {waiting?.StartAt:O}, not once the {timeframe} has ended");
            await RestAsync(grain, id);
            await MinutesPassAsync(end, 0, 3);
            var period = Assert.Single(await SealedAsync(id, timeframe, "UTC", 1));
            Assert.Equal(1L, period.Candle.Trades);
        }

        // Then nothing is left to check, and the instrument's watermark minutes do not start it again.
        await MinutesPassAsync(new[] { weekEnd, monthEnd }.Max(), 4, 8);
        Assert.Null(await CheckWhenAsync(id, "UTC", c => c is null));
        await MinutesPassAsync(new[] { weekEnd, monthEnd }.Max(), 9, 11);
        Assert.Null(await CheckWhenAsync(id, "UTC", _ => true));
    }

    [Fact]
    public async Task ACorrectionOfASealedDayIsResealedWithinMinutesWhileTheSealerWaitsForTheDayToEnd()
    {
        // A live instrument traded yesterday and this morning; yesterday is sealed, and the sealer waits for today's end.
        const string id = "TEST:WAITFIX";
        var (grain, midnight) = await LiveTradeOneMorningAsync(id);
        await TradeAtAsync(grain, 2, midnight.AddHours(9));
        await SealedAsync(id, "1d", "UTC", 1);
        var waiting = await MinutesPassUntilAsync(midnight.AddHours(9), 10, id, "UTC", c => c?.StartAt >= midnight.AddDays(1).UtcDateTime);
        Assert.True(waiting?.StartAt >= midnight.AddDays(1).UtcDateTime, $"the sealer checks again at {waiting?.StartAt:O}, not at the day's end");

        // A late trade of yesterday: the instrument asks its sealers to check within a period before it commits it, so
        // the day is re-sealed even if the stream message carrying the correction is lost.
        Assert.Equal(1, (await grain.Ingest([new Tick(3, midnight.AddHours(-14).ToUnixTimeMilliseconds() * 1000, 101, 1, AggressorSide.Buy)], live: true)).Amended);
        var soon = await CheckWhenAsync(id, "UTC", c => c?.StartAt <= fixture.Clock.GetUtcNow().AddMinutes(1).UtcDateTime);
        Assert.True(soon?.StartAt <= fixture.Clock.GetUtcNow().AddMinutes(1).UtcDateTime, $"the sealer checks again at {soon?.StartAt:O}, not within a period");
        await fixture.SealedAsync(id, "1d", "UTC", bars => bars[0].Candle.Revision == 1);

        // Another; its re-seal on the stream fails (PostgreSQL down). The next check is minutes away, not at the end of
        // today: by then the retention may have cut into yesterday, which could never be sealed again.
        fixture.SealedWrites.FailNextUpsert(id, "UTC");
        Assert.Equal(1, (await grain.Ingest([new Tick(4, midnight.AddHours(-13).ToUnixTimeMilliseconds() * 1000, 101, 1, AggressorSide.Buy)], live: true)).Amended);
        Assert.True(await ClusterFixture.EventuallyAsync(() => Task.FromResult(fixture.SealedWrites.Failed(id, "UTC"))), "the re-seal was never tried");
        await MinutesPassAsync(midnight.AddHours(9), 4, 6);
        var day = (await fixture.SealedAsync(id, "1d", "UTC", bars => bars[0].Candle.Revision == 2))[0];
        Assert.Equal((midnight.AddDays(-1).ToUnixTimeMilliseconds(), 3L), (day.Candle.OpenTimeMs, day.Candle.Trades));
    }

    [Fact]
    public async Task ATradeRetriedAfterAFailedCommitCorrectsTheDayItsQuietMinutesHadSealed()
    {
        // A live instrument trades at 23:50; its bar closes at 23:52, and the quiet minutes after it take the watermark
        // past midnight alone, so the day is sealed. Then a trade of 23:55 comes (a feed's catch-up), and its commit fails.
        const string id = "TEST:RETRYSEALED";
        var grain = await fixture.DefinedAsync(id);
        var now = fixture.Clock.GetUtcNow();
        var midnight = new DateTimeOffset(now.Year, now.Month, now.Day, 0, 0, 0, TimeSpan.Zero).AddDays(2);
        await TradeAtAsync(grain, 1, midnight.AddMinutes(-10));
        await MinutesPassAsync(midnight.AddMinutes(-10), 2, 13);
        Assert.Equal(1L, Assert.Single(await SealedAsync(id, "1d", "UTC", 1)).Candle.Trades);

        // The watermark the day was sealed on is in the store: a rollback to the last commit keeps it, and does not hand
        // the 23:55 trade a watermark of 23:52, before which it would be no correction (this grain's timer raises the
        // watermark again within a scan, but a retry already queued behind the failed call comes first).
        var stored = (await fixture.MinuteBars.LoadHistoryAsync(id)).Stored.Checkpoint!.WatermarkUs;
        Assert.True(stored >= midnight.ToUnixTimeMilliseconds() * 1000, $"the watermark committed is {DateTimeOffset.FromUnixTimeMilliseconds(stored / 1000):O}, before the sealed day's end");
        fixture.MinuteBars.FailCommit(id);
        Tick[] late = [new Tick(2, midnight.AddMinutes(-5).ToUnixTimeMilliseconds() * 1000, 101, 1, AggressorSide.Buy)];
        await Assert.ThrowsAsync<InstrumentUnavailableException>(() => grain.Ingest(late, live: true));

        // The retried trade corrects the sealed day, which is sealed again with it, rather than opening a bar of its own in
        // a day the sealer has left behind.
        var retried = await grain.Ingest(late, live: true);
        Assert.True(retried.Amended == 1, $"the trade of the sealed day was taken as a new bar: {retried}");
        var days = await fixture.SealedAsync(id, "1d", "UTC", bars => bars.Count == 1 && bars[0].Candle.Trades == 2);
        Assert.Equal(2L, Assert.Single(days).Candle.Trades);
    }

    [Fact]
    public async Task TradesSentAgainAfterTheStoreLostThemCloseIntoTheSealedDayAndItIsSealedAgain()
    {
        // A replay's trade of 4 May 23:50, then one of 5 May 00:10, which finishes the 4th: it is sealed. Then Redis loses
        // the second commit, acknowledged before its crash, and the instrument's grain goes with its silo.
        const string id = "TEST:LOSTCLOSE";
        var grain = await SealedThenLastCommitLostAsync(id, [Buy(1, "2026-05-04T23:50:00Z")], [Buy(2, "2026-05-05T00:10:00Z")], sealedTrades: 1);

        // The feed sends what the instrument no longer holds, with a trade of the 4th it had missed: to the instrument they
        // are new, and close the 4th's minutes as bars of their first revision, into the day sealed without them.
        var resent = await grain.Ingest([Buy(3, "2026-05-04T23:55:00Z"), Buy(2, "2026-05-05T00:10:00Z")], live: false);
        Assert.Equal((2, 0), (resent.Applied, resent.Amended));
        var days = await fixture.SealedAsync(id, "1d", "UTC", bars => bars.Count == 1 && bars[0].Candle.Trades == 2);
        Assert.True(days.Count == 1 && days[0].Candle.Trades == 2, $"the 4th stayed sealed with {days.FirstOrDefault()?.Candle.Trades} trade(s), not 2");
    }

    [Fact]
    public async Task ADayClosedAgainWithFewerTradesThanItWasSealedWithKeepsItsSealedRow()
    {
        // The 4th is sealed with trades at 23:40 and 23:50; then Redis loses the commit holding 23:50 and the next day's
        // trade, and the instrument's grain goes with its silo. The feed sends only the next day's trade again: the 4th's
        // 23:40 minute closes again, with one trade of the two the sealed day holds. That day is the better record.
        const string id = "TEST:LOSTLESS";
        var grain = await SealedThenLastCommitLostAsync(
            id, [Buy(1, "2026-05-04T23:40:00Z")], [Buy(2, "2026-05-04T23:50:00Z"), Buy(3, "2026-05-05T00:10:00Z")], sealedTrades: 2);
        await grain.Ingest([Buy(3, "2026-05-05T00:10:00Z")], live: false);

        // A trade of the 6th has the 5th sealed: the sealer has dealt with the 4th closed again, in order, by then.
        await grain.Ingest([Buy(5, "2026-05-06T10:00:00Z")], live: false);
        Assert.Equal(2, (await SealedAsync(id, "1d", "UTC", 2)).Count);

        // A late trade of the 4th, not the lost one: a correction to the instrument, whose 4th now holds two trades, but
        // not those it was sealed with. Then a trade of the 7th has the 6th sealed, after that correction.
        await grain.Ingest([Buy(4, "2026-05-04T23:55:00Z")], live: false);
        await grain.Ingest([Buy(6, "2026-05-07T10:00:00Z")], live: false);
        Assert.Equal(3, (await SealedAsync(id, "1d", "UTC", 3)).Count);

        // Then the feed's catch-up brings what was lost: now the day holds all it held and more, and is sealed again with
        // it. Neither the day with one trade nor the one with another's two was ever written.
        await grain.Ingest([Buy(2, "2026-05-04T23:50:00Z")], live: false);
        var days = await fixture.SealedAsync(id, "1d", "UTC", bars => bars.Count == 3 && bars[0].Candle.Trades == 3);
        Assert.True(days.Count == 3 && days[0].Candle.Trades == 3, $"the 4th was sealed with {days.FirstOrDefault()?.Candle.Trades} trade(s), not 3");
        var day = At.Ms("2026-05-04T00:00:00Z");
        Assert.Equal([2L, 3L], fixture.SealedWrites.Written.Where(w => w.Instrument == id && w.Zone == "UTC" && w.Timeframe == "1d" && w.OpenTimeMs == day).Select(w => w.Trades));
    }

    [Fact]
    public async Task AQuietLiveInstrumentWaitsLongerBetweenCommitsWhileTheStoreIsDown()
    {
        // A live instrument rests on a quiet minute; the store goes down, and the next minute of the watermark must be
        // committed before it is published. The instrument's scans (every 50 ms here) try it at most once a second, doubling.
        const string id = "TEST:QUIETDOWN";
        var grain = await fixture.DefinedAsync(id);
        var start = fixture.Clock.GetUtcNow();
        await TradeAtAsync(grain, 1, start.AddMinutes(1));
        fixture.MinuteBars.Down(id);
        var before = fixture.MinuteBars.Attempts(id);
        fixture.Clock.SetUtcNow(start.AddMinutes(3));
        Assert.True(await ClusterFixture.EventuallyAsync(() => Task.FromResult(fixture.MinuteBars.Attempts(id) > before)), "the new minute was never committed");
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var tried = fixture.MinuteBars.Attempts(id) - before;
        Assert.True(tried <= 3, $"{tried} commits were tried in 2.5 s while the store was down");

        // Back up: the minute is committed at the next try, within the longest wait so far.
        fixture.MinuteBars.Down(id, false);
        Assert.True(
            await ClusterFixture.EventuallyAsync(async () => (await fixture.MinuteBars.LoadHistoryAsync(id)).Stored.Checkpoint?.WatermarkUs >= start.AddMinutes(2).ToUnixTimeMilliseconds() * 1000),
            "the watermark's new minute was not committed once the store was back");
    }

    /// <summary>
    /// A replayed instrument gets <paramref name="first"/>, then <paramref name="last"/>, which finishes 4 May: it is sealed
    /// with <paramref name="sealedTrades"/> trades in UTC. Then Redis loses the last commit, acknowledged before its crash,
    /// and the instrument's grain goes with its silo.
    /// </summary>
    private async Task<ISymbolGrain> SealedThenLastCommitLostAsync(string id, Tick[] first, Tick[] last, long sealedTrades)
    {
        var grain = await fixture.DefinedAsync(id);
        await grain.Ingest(first, live: false);
        var saved = (await fixture.MinuteBars.LoadHistoryAsync(id)).Stored;
        var savedBars = await fixture.MinuteBars.LoadAsync(id, long.MinValue, long.MaxValue);
        await grain.Ingest(last, live: false);
        Assert.Equal(sealedTrades, Assert.Single(await SealedAsync(id, "1d", "UTC", 1)).Candle.Trades);
        var now = (await fixture.MinuteBars.LoadHistoryAsync(id)).Stored.Revision;
        Assert.True((await fixture.MinuteBars.Inner.RewriteAsync(id, savedBars, saved.Checkpoint!, now, saved.Revision)).Committed);
        await fixture.Cluster.DeactivateAsync(grain);
        return grain;
    }

    /// <summary>A new instrument's live trade at 09:00 the day after tomorrow; returns the midnight ending that day.</summary>
    [Fact]
    public async Task AQuietLiveInstrumentsNextDayIsSealedWhenItEndsNotWhenTheWeekDoes()
    {
        // A live source trades on a Monday morning; the Monday is sealed and the sealer waits for the week's end.
        const string id = "TEST:QUIETNEXTDAY";
        var grain = await fixture.DefinedAsync(id);
        var tuesday = fixture.Clock.GetUtcNow().Date.AddDays(2);
        while (tuesday.DayOfWeek != DayOfWeek.Tuesday || tuesday.AddDays(1).Day == 1)
        {
            tuesday = tuesday.AddDays(1);
        }

        var midnight = new DateTimeOffset(tuesday, TimeSpan.Zero);
        await TradeAtAsync(grain, 1, midnight.AddHours(-15));
        await MinutesPassAsync(midnight.AddHours(-15), 1, 4);
        await RestAsync(grain, id);
        await MinutesPassAsync(midnight, 0, 3);
        Assert.Single(await SealedAsync(id, "1d", "UTC", 1));
        Assert.True((await CheckWhenAsync(id, "UTC", c => c?.StartAt >= midnight.AddDays(6).UtcDateTime))?.StartAt >= midnight.AddDays(6).UtcDateTime, "the sealer does not wait for the week's end");

        // It trades on Tuesday morning, then rests again: the sealer comes back when Tuesday ends, and seals it.
        await TradeAtAsync(grain, 2, midnight.AddHours(9));
        var wednesday = midnight.AddDays(1);
        var check = await CheckWhenAsync(id, "UTC", c => c?.StartAt <= wednesday.AddMinutes(2).UtcDateTime);
        Assert.True(check?.StartAt <= wednesday.AddMinutes(2).UtcDateTime, $"the sealer checks again at {check?.StartAt:O}, not when Tuesday ends");
        await RestAsync(grain, id);
        await MinutesPassAsync(wednesday, 0, 3);
        Assert.Equal(2, (await SealedAsync(id, "1d", "UTC", 2)).Count);
    }

    [Fact]
    public async Task ANewDayWhoseStreamMessagesAreAllLostIsStillSealedOnceItEnds()
    {
        // Every stream message after Monday's trade is lost (a silo left with them), and the instrument never trades again.
        // Its grain told the sealer of the new day before it committed the day's first bar, so the sealer knows of the day,
        // waits for its end, and seals it.
        const string id = "TEST:NEWDAYLOST";
        var (grain, _, monday) = await MonthEndingSundaySealedThenStreamLostAsync(id);
        await TradeAtAsync(grain, 2, monday.AddHours(10));
        await MinutesPassAsync(monday.AddHours(10), 1, 4);
        await RestAsync(grain, id);
        await MondaySealedOnTuesdayAsync(id, monday);
        Assert.True(fixture.StreamDeliveries.Lost > 0, "no stream message to the sealer was lost: the test lost nothing");
    }

    [Fact]
    public async Task ANewDayTheSealerCouldNotBeToldOfIsToldByTheInstrumentsNextActivation()
    {
        // The sealer's silo does not answer when Monday's first bar is committed, which goes ahead; then the instrument's
        // grain goes (a rolling update). Its next activation, woken by a request, tells the sealer.
        const string id = "TEST:NEWDAYUNTOLD";
        var (grain, sealer, monday) = await MonthEndingSundaySealedThenStreamLostAsync(id);
        fixture.Calls.Fail(sealer.GetGrainId(), nameof(IPeriodGrain.HearOf), times: 1);
        await TradeAtAsync(grain, 2, monday.AddHours(10));
        Assert.Equal(1, fixture.Calls.Calls(sealer.GetGrainId(), nameof(IPeriodGrain.HearOf)));
        await RestAsync(grain, id);
        Assert.Null(await CheckWhenAsync(id, "UTC", c => c is null));

        await grain.GetStatus();
        await MinutesPassAsync(monday.AddHours(10), 1, 4);
        await MondaySealedOnTuesdayAsync(id, monday);
        Assert.True(fixture.Calls.Calls(sealer.GetGrainId(), nameof(IPeriodGrain.HearOf)) >= 2, "the sealer was not told again");
    }

    [Fact]
    public async Task ASealerThatKnowsTheDayIsNotMadeToCheckByTheInstrumentsNextActivation()
    {
        // Each activation of the instrument tells its sealers of its newest bar's day once. A sealer that knows the day
        // and waits for its end, or has sealed it, keeps its check as it is: a check now would wake the instrument, whose
        // next activation would tell it again, a minute at a time.
        const string id = "TEST:NEWDAYKNOWN";
        var (grain, sealer, monday) = await MonthEndingSundaySealedThenStreamLostAsync(id);
        await ToldOnItsNextActivationAsync(grain, sealer, id, monday.AddMinutes(7));
        Assert.Null(await CheckRowAsync(id, "UTC"));

        var tuesday = monday.AddDays(1).UtcDateTime;
        await TradeAtAsync(grain, 2, monday.AddHours(10));
        var waiting = await MinutesPassUntilAsync(monday.AddHours(10), 10, id, "UTC", c => c?.StartAt >= tuesday);
        Assert.True(waiting?.StartAt >= tuesday, $"the sealer checks again at {waiting?.StartAt:O}, not at Monday's end");
        await ToldOnItsNextActivationAsync(grain, sealer, id, monday.AddHours(10).AddMinutes(12));
        var kept = await CheckRowAsync(id, "UTC");
        Assert.True(kept?.StartAt >= tuesday, $"told again, the sealer checks at {kept?.StartAt:O}, not at Monday's end");
    }

    /// <summary>
    /// The instrument's grains rest; a request wakes the instrument, whose first commit (a quiet minute, the clock
    /// moved to <paramref name="minute"/> if none comes at once) tells the sealer. The clock then stands still, so a
    /// check the sealer registered is still waiting.
    /// </summary>
    private async Task ToldOnItsNextActivationAsync(ISymbolGrain grain, IPeriodGrain sealer, string id, DateTimeOffset minute)
    {
        await RestAsync(grain, id);
        var answered = fixture.Calls.Answered(sealer.GetGrainId(), nameof(IPeriodGrain.HearOf));
        fixture.Calls.Delay(sealer.GetGrainId(), nameof(IPeriodGrain.HearOf), TimeSpan.Zero);
        await grain.GetStatus();
        Task<bool> Told(TimeSpan within) =>
            ClusterFixture.EventuallyAsync(() => Task.FromResult(fixture.Calls.Answered(sealer.GetGrainId(), nameof(IPeriodGrain.HearOf)) > answered), within);
        if (!await Told(TimeSpan.FromSeconds(2)))
        {
            await MinutesPassAsync(minute, 0, 0);
            Assert.True(await Told(TimeSpan.FromSeconds(30)), "the new activation did not tell the sealer");
        }
    }

    [Fact]
    public async Task ACommitWaitsOnlyBrieflyForASealerThatDoesNotAnswer()
    {
        // The sealer's silo hangs: Monday's first trade is committed after a few seconds, not after Orleans' call timeout,
        // and the trades after it do not wait again.
        const string id = "TEST:NEWDAYHANG";
        var (grain, sealer, monday) = await MonthEndingSundaySealedThenStreamLostAsync(id);
        fixture.Calls.Delay(sealer.GetGrainId(), nameof(IPeriodGrain.HearOf), TimeSpan.FromSeconds(25));
        var started = Stopwatch.StartNew();
        await TradeAtAsync(grain, 2, monday.AddHours(10));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(15), $"the first trade of the day waited {started.Elapsed.TotalSeconds:0.0} s for the sealer");
        started.Restart();
        await TradeAtAsync(grain, 3, monday.AddHours(11));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(3), $"the next trade waited {started.Elapsed.TotalSeconds:0.0} s for the sealer again");
        Assert.Equal(1, fixture.Calls.Calls(sealer.GetGrainId(), nameof(IPeriodGrain.HearOf)));
    }

    /// <summary>
    /// A live instrument trades on a Sunday that ends a month: at midnight its day, week and month are sealed in UTC, and
    /// the sealer has nothing left to check. Then every stream message to that sealer is lost.
    /// </summary>
    private async Task<(ISymbolGrain Grain, IPeriodGrain Sealer, DateTimeOffset Monday)> MonthEndingSundaySealedThenStreamLostAsync(string id)
    {
        var grain = await fixture.DefinedAsync(id);
        var sunday = fixture.Clock.GetUtcNow().Date.AddDays(2);
        while (sunday.DayOfWeek != DayOfWeek.Sunday || sunday.AddDays(1).Day != 1)
        {
            sunday = sunday.AddDays(1);
        }

        var monday = new DateTimeOffset(sunday.AddDays(1), TimeSpan.Zero);
        await TradeAtAsync(grain, 1, monday.AddHours(-14));
        await MinutesPassAsync(monday.AddHours(-14), 1, 3);
        await MinutesPassAsync(monday, 0, 3);
        foreach (var timeframe in (string[])["1d", "1w", "1M"])
        {
            await SealedAsync(id, timeframe, "UTC", 1);
        }

        await MinutesPassAsync(monday, 4, 6);
        Assert.Null(await CheckWhenAsync(id, "UTC", c => c is null));
        var sealer = fixture.Grains.GetGrain<IPeriodGrain>(GrainKeys.Period(id, "UTC"));
        fixture.StreamDeliveries.Lose(sealer.GetGrainId());
        return (grain, sealer, monday);
    }

    /// <summary>Tuesday comes: Monday's day is sealed in UTC with its one trade.</summary>
    private async Task MondaySealedOnTuesdayAsync(string id, DateTimeOffset monday)
    {
        await MinutesPassAsync(monday.AddDays(1), 0, 3);
        var days = await fixture.SealedAsync(id, "1d", "UTC", bars => bars.Count == 2);
        Assert.Equal((monday.ToUnixTimeMilliseconds(), 1L), (days[1].Candle.OpenTimeMs, days[1].Candle.Trades));
    }

    private async Task<(ISymbolGrain Grain, DateTimeOffset Midnight)> LiveTradeOneMorningAsync(string id)
    {
        var grain = await fixture.DefinedAsync(id);
        var now = fixture.Clock.GetUtcNow();
        var midnight = new DateTimeOffset(now.Year, now.Month, now.Day, 0, 0, 0, TimeSpan.Zero).AddDays(2);
        await TradeAtAsync(grain, 1, midnight.AddHours(-15));
        return (grain, midnight);
    }

    /// <summary>The instrument's grains and its sealers deactivated, as the idle collection does with nothing calling them.</summary>
    private async Task RestAsync(ISymbolGrain grain, string id)
    {
        await fixture.Cluster.DeactivateAsync(grain);
        foreach (var zone in (string[])["UTC", .. ClusterFixture.SealedZones])
        {
            await fixture.Cluster.DeactivateAsync(fixture.Grains.GetGrain<IPeriodGrain>(GrainKeys.Period(id, zone)));
        }
    }

    /// <summary>The clock moves a minute at a time, from <paramref name="first"/> to <paramref name="last"/> minutes past <paramref name="from"/>, and the grains get to act on each.</summary>
    private async Task MinutesPassAsync(DateTimeOffset from, int first, int last)
    {
        for (var minute = first; minute <= last; minute++)
        {
            fixture.Clock.SetUtcNow(from.AddMinutes(minute));
            await Task.Delay(200);
        }
    }

    /// <summary>
    /// Minutes pass one by one from <paramref name="from"/> until the sealer's check reminder is as expected, at most
    /// <paramref name="minutes"/> of them: a busy machine can let a grain miss one clock step, never every one.
    /// </summary>
    private async Task<ReminderEntry?> MinutesPassUntilAsync(DateTimeOffset from, int minutes, string instrument, string zone, Func<ReminderEntry?, bool> expected)
    {
        for (var minute = 1; minute <= minutes; minute++)
        {
            await MinutesPassAsync(from, minute, minute);
            if (expected(await CheckRowAsync(instrument, zone)))
            {
                break;
            }
        }

        return await CheckWhenAsync(instrument, zone, expected);
    }

    /// <summary>
    /// The sealer's check reminder as the reminder table holds it, or null, once it is as expected or the wait is over
    /// (the grains act on the clock's last step asynchronously; with the clock standing still, a wrong row stays wrong).
    /// </summary>
    private async Task<ReminderEntry?> CheckWhenAsync(string instrument, string zone, Func<ReminderEntry?, bool> expected)
    {
        ReminderEntry? entry = null;
        await ClusterFixture.EventuallyAsync(async () => expected(entry = await CheckRowAsync(instrument, zone)));
        return entry;
    }

    private async Task<ReminderEntry?> CheckRowAsync(string instrument, string zone)
    {
        var table = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<IReminderTable>();
        var grainId = fixture.Grains.GetGrain<IPeriodGrain>(GrainKeys.Period(instrument, zone)).GetGrainId();
        return (await table.ReadRows(grainId)).Reminders.SingleOrDefault();
    }

    /// <summary>A live trade at <paramref name="at"/>, the clock just after it.</summary>
    private async Task TradeAtAsync(ISymbolGrain grain, long id, DateTimeOffset at)
    {
        fixture.Clock.SetUtcNow(at.AddSeconds(1));
        await grain.Ingest([new Tick(id, at.ToUnixTimeMilliseconds() * 1000, 100, 1, AggressorSide.Buy)], live: true);
    }

    [Fact]
    public async Task ADayAndTheWeekHoldingAFeedGapAreSealedAsPartialTheOthersAsComplete()
    {
        var grain = await fixture.DefinedAsync("TEST:GAPSEAL");
        await grain.Ingest([Buy(1, "2026-04-01T09:00:00Z"), Buy(2, "2026-04-01T11:00:00Z")], live: false);
        await grain.MarkIncomplete(At.Us("2026-04-01T10:00:00Z"), At.Us("2026-04-01T10:04:00Z")); // a gap the feed could not fill
        await grain.Ingest([Buy(3, "2026-04-02T10:00:00Z"), Buy(4, "2026-04-07T10:00:00Z")], live: false);

        // The 1st and 2nd are sealed, and the week of Monday 30 March: the day holding the gap and that week as partial,
        // in every zone.
        var gap = At.Ms("2026-04-01T10:00:00Z");
        foreach (var zone in ClusterFixture.SealedZones.Prepend("UTC"))
        {
            var days = await fixture.SealedAsync("TEST:GAPSEAL", "1d", zone, bars => bars.Count >= 2);
            Assert.Equal(days.Select(d => !d.Candle.Period.Contains(gap)), days.Select(days.IsComplete));
            Assert.Single(days, d => !days.IsComplete(d));
            var weeks = await fixture.SealedAsync("TEST:GAPSEAL", "1w", zone, bars => bars.Count >= 1);
            Assert.False(weeks.IsComplete(Assert.Single(weeks)), $"the week holding the gap was sealed as complete in {zone}");
        }
    }

    [Fact]
    public async Task AGapFoundInASealedDayAfterItWasSealedSealsItAgainAsPartialWithItsWeek()
    {
        var grain = await fixture.DefinedAsync("TEST:LATEGAP");
        await grain.Ingest([Buy(1, "2026-04-01T09:00:00Z"), Buy(2, "2026-04-07T10:00:00Z")], live: false);
        var sealedDays = await fixture.SealedAsync("TEST:LATEGAP", "1d", "UTC", bars => bars.Count >= 1);
        await fixture.SealedAsync("TEST:LATEGAP", "1w", "UTC", bars => bars.Count >= 1);
        Assert.Empty(sealedDays.Partial);
        await MinutesPassAsync(); // the sealer's check finds everything sealed and stops

        // The feed finds afterwards that it could not fill 23:30 to 23:39 of the 1st, minutes without trades here: no
        // minute is corrected, and the instrument has its sealers check, which seal the day again as partial, and its week.
        await grain.MarkIncomplete(At.Us("2026-04-01T23:30:00Z"), At.Us("2026-04-01T23:39:00Z"));
        await MinutesPassAsync();

        var day = await fixture.SealedAsync("TEST:LATEGAP", "1d", "UTC", bars => bars is SealedBars { Partial.Count: 1 });
        Assert.Equal(("2026-04-01T00:00Z", 1L), (Row(day[0]).Open, day[0].Candle.Trades));
        var week = await fixture.SealedAsync("TEST:LATEGAP", "1w", "UTC", bars => bars is SealedBars { Partial.Count: 1 });
        Assert.Equal("2026-03-30T00:00Z", Row(week[0]).Open);
    }

    /// <summary>Three minutes of the fake clock, a moment each, so reminders due in them run.</summary>
    private async Task MinutesPassAsync()
    {
        var start = fixture.Clock.GetUtcNow();
        for (var minute = 1; minute <= 3; minute++)
        {
            fixture.Clock.SetUtcNow(start.AddMinutes(minute));
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task ADaySealedAsPartialIsServedAsNotCompleteWhenTheHistoryNoLongerSaysSo()
    {
        // What a loss of Redis leaves: a day sealed over a feed gap, and a 1m history after it that knows nothing of the gap.
        const string id = "TEST:PARTREAD";
        var grain = await fixture.DefinedAsync(id);
        var day = SealedBar("2026-04-20T00:00:00Z", "2026-04-21T00:00:00Z");
        await fixture.SealedBars.UpsertAsync(Grids(id), [new SeriesBars(new SealedSeries(id, Timeframe.Parse("1d"), "UTC"), [day], new HashSet<long> { day.Candle.OpenTimeMs })]);
        await grain.Ingest([Buy(2, "2026-04-22T10:00:00Z")], live: false);

        foreach (var (timeframe, step) in new (string, long?)[] { ("1d", null), ("1d", 1), ("1w", null), ("1w", 1) })
        {
            var grainOf = fixture.Grains.GetGrain<ITimeframeGrain>(GrainKeys.Timeframe(id, Timeframe.Parse(timeframe), "UTC"));
            var page = await grainOf.GetBars(new BarsQuery(long.MinValue, long.MaxValue, 10, step));
            var served = page.Bars.Select(b => (Row(b).Open[5..10], page.IsComplete(b))).ToList();
            var expected = timeframe == "1d" ? new[] { ("04-20", false), ("04-22", true) } : [("04-20", false)];
            Assert.True(expected.SequenceEqual(served), $"{timeframe} step {step} served {string.Join(", ", served)}");
        }

        // Its week, sealed once it ends, from that day and the 22nd: partial too, though no span says so.
        await grain.Ingest([Buy(3, "2026-04-28T10:00:00Z")], live: false);
        var weeks = await fixture.SealedAsync(id, "1w", "UTC", bars => bars.Count >= 1);
        Assert.Equal([("2026-04-20T00:00Z", false)], weeks.Select(w => (Row(w).Open, weeks.IsComplete(w))));
    }

    [Fact]
    public async Task AWeekSealedAsPartialForADayNeverSealedIsServedAsNotComplete()
    {
        // The retention dropped the 21st before its sealer saw it, and Redis was lost since: only the week's row says so.
        const string id = "TEST:WEEKPART";
        var grain = await fixture.DefinedAsync(id);
        var (day, week) = (SealedBar("2026-04-20T00:00:00Z", "2026-04-21T00:00:00Z"), SealedBar("2026-04-20T00:00:00Z", "2026-04-27T00:00:00Z"));
        await fixture.SealedBars.UpsertAsync(Grids(id), [
            new SeriesBars(new SealedSeries(id, Timeframe.Parse("1d"), "UTC"), [day]),
            new SeriesBars(new SealedSeries(id, Timeframe.Parse("1w"), "UTC"), [week], new HashSet<long> { week.Candle.OpenTimeMs })]);
        await grain.Ingest([Buy(2, "2026-04-29T10:00:00Z")], live: false);

        foreach (var (timeframe, step) in new (string, long?)[] { ("1w", null), ("1w", 1), ("1d", null) })
        {
            var page = await fixture.Grains.GetGrain<ITimeframeGrain>(GrainKeys.Timeframe(id, Timeframe.Parse(timeframe), "UTC")).GetBars(new BarsQuery(long.MinValue, long.MaxValue, 10, step));
            var served = page.Bars.Select(b => (Row(b).Open[5..10], page.IsComplete(b))).ToList();
            var expected = timeframe == "1w" ? new[] { ("04-20", false), ("04-27", true) } : [("04-20", true), ("04-29", true)];
            Assert.True(expected.SequenceEqual(served), $"{timeframe} step {step} served {string.Join(", ", served)}");
        }
    }

    /// <summary>A sealed bar of one trade at 1.00 over [<paramref name="fromIso"/>, <paramref name="toIso"/>).</summary>
    private static Bar SealedBar(string fromIso, string toIso)
    {
        var (start, end) = (At.Ms(fromIso), At.Ms(toIso));
        return new Bar(new Candle(new BarPeriod(start, end), 100, 100, 100, 100, 1, 0, 100, 1, 1, start * 1000, 1, start * 1000, 0), Footprint.Create([new PriceLevel(100, 1, 0, 1)], 1));
    }

    /// <summary>The grids <see cref="ClusterFixture.DefinedAsync"/> defines an instrument with.</summary>
    private static Core.Instruments.Instrument Grids(string id) =>
        new(Core.Instruments.InstrumentId.Parse(id), Core.Instruments.Increment.Parse("0.01"), Core.Instruments.Increment.Parse("0.001"));

    [Fact]
    public async Task DaysTheRetentionDroppedBeforeTheyWereSealedAreServedAsNotCompleteAndTheRestIsSealed()
    {
        // Monday 30 March is sealed; then one replay batch brings a trade a day from the 31st to 14 April. With 7 days of
        // 1m retention, the minutes of the 31st to 6 April are dropped within the batch, before any sealer saw them.
        var grain = await fixture.DefinedAsync("TEST:RETGAP");
        await grain.Ingest([Buy(1, "2026-03-30T10:00:00Z"), Buy(2, "2026-03-31T10:00:00Z")], live: false);
        await SealedAsync("TEST:RETGAP", "1d", "UTC", 1);
        string[] days = ["03-31", .. Enumerable.Range(1, 14).Select(d => $"04-{d:00}")];
        await grain.Ingest([.. days.Select((d, i) => Buy(i + 3, $"2026-{d}T10:00:00Z"))], live: false);

        // Every day whose minutes were all still there is sealed, the 7th too (it opens before the retention, which
        // starts at 10:00 that day, but lost nothing); the 31st to the 6th are gone.
        var sealedDays = await fixture.SealedAsync("TEST:RETGAP", "1d", "UTC", bars => bars.Count >= 8);
        Assert.Equal(["03-30", "04-07", "04-08", "04-09", "04-10", "04-11", "04-12", "04-13"], sealedDays.Select(d => Row(d).Open[5..10]));

        // The weeks holding the lost days say so (the first opens with the first sealed day: only the loss can make it
        // incomplete); the one after them is whole.
        var weeks = fixture.Grains.GetGrain<ITimeframeGrain>(GrainKeys.Timeframe("TEST:RETGAP", Timeframe.Parse("1w"), "UTC"));
        var page = new BarsPage([], long.MinValue);
        Assert.True(
            await ClusterFixture.EventuallyAsync(async () => (page = await weeks.GetBars(new BarsQuery(long.MinValue, long.MaxValue, 10, null))).Bars.Count == 3
                && !page.IsComplete(page.Bars[0])),
            $"the weeks were not served as expected: {string.Join(", ", page.Bars.Select(b => (Row(b).Open, page.IsComplete(b))))}");
        Assert.Equal(
            [("2026-03-30T00:00Z", false), ("2026-04-06T00:00Z", false), ("2026-04-13T00:00Z", true)],
            page.Bars.Select(b => (Row(b).Open, page.IsComplete(b))));
    }

    [Fact]
    public async Task AWeekHoldingDaysTheRetentionDroppedBeforeTheFirstSealIsStoredAsPartial()
    {
        // One replay batch brings a trade a day at 10:00 from Wednesday 1 April to Tuesday 14 April into an instrument with
        // nothing sealed: with 7 days of 1m retention, the 1st to the 6th are dropped before any sealer runs. The sealers
        // start from nothing and seal the 7th to the 13th; the week of Monday 6 April lacks the 6th's trade and is stored
        // as partial in every zone (it opens before the 6th's 10:00 there too), not only served so.
        var grain = await fixture.DefinedAsync("TEST:FROMNOTHING");
        await grain.Ingest([.. Enumerable.Range(1, 14).Select(d => Buy(d, $"2026-04-{d:00}T10:00:00Z"))], live: false);

        foreach (var zone in ClusterFixture.SealedZones.Prepend("UTC"))
        {
            var days = await fixture.SealedAsync("TEST:FROMNOTHING", "1d", zone, bars => bars.Count >= 7);
            Assert.All(days, d => Assert.True(d.Candle.OpenTimeMs > At.Ms("2026-04-06T10:00:00Z"), $"{Row(d).Open} was sealed from what the retention left"));
            var weeks = await fixture.SealedAsync("TEST:FROMNOTHING", "1w", zone, bars => bars.Count >= 1);
            var week = Assert.Single(weeks);
            Assert.False(weeks.IsComplete(week), $"the week of {Row(week).Open} lacks the 6th's trade but was stored as complete in {zone}");
        }
    }

    [Fact]
    public async Task ASealerWhoseStateAloneWasLostKeepsAWeekItsZoneHoldsSealedComplete()
    {
        // Monday 6 to Wednesday 8 April are sealed in UTC. Then the UTC sealer's state alone is lost (its key evicted), and a
        // trade of Tuesday 14 April has the retention drop the 6th's minutes. Starting from nothing, the sealer finds them
        // dropped, but its zone holds the 6th sealed: the week of the 6th, finished now, lacks nothing and stays complete.
        const string id = "TEST:STATELOST";
        var (grain, _) = await AprilDaysSealedThenStateLostAsync(id, 6, 9, 3);

        await grain.Ingest([Buy(14, "2026-04-14T10:00:00Z")], live: false);

        var weeks = await fixture.SealedAsync(id, "1w", "UTC", bars => bars.Count >= 1);
        Assert.True(weeks.IsComplete(Assert.Single(weeks)), "the week of the 6th, whose days the zone holds sealed, was stored as partial");
        Assert.Equal(4L, weeks[0].Candle.Trades);
    }

    [Fact]
    public async Task TheMinutesTheRetentionDroppedBeforeAZonesFirstSealAreInItsStateBeforeThatSealIsStored()
    {
        // One replay batch brings a trade a day at 10:00 from 1 to 10 April: the retention drops the 1st and 2nd before any
        // sealer runs. While the UTC sealer's first seal waits on PostgreSQL, its state already says so: a sealer dying
        // before that seal's end starts again knowing it, rather than from the days after them, which it finds sealed.
        const string id = "TEST:LOSTFIRST";
        await WhileTheFirstSealWaitsAsync(id, [.. Enumerable.Range(1, 10).Select(d => Buy(d, $"2026-04-{d:00}T10:00:00Z"))], async sealer =>
        {
            var stored = await StoredStateAsync(sealer);
            Assert.True(stored?.LostThroughMs == At.Ms("2026-04-02T10:00:00Z"), $"the sealer's state held {stored?.LostThroughMs} as the dropped minutes' end while its first seal was stored");
            Assert.Null(stored?.SealedThroughMs);
        });

        Assert.Equal(7, (await SealedAsync(id, "1d", "UTC", 7)).Count);
    }

    [Fact]
    public async Task AMonthHoldingDaysTheRetentionDroppedStaysPartialWhenItsSealersStateWasLost()
    {
        // As above, the UTC sealer's first seal stores the 3rd to the 9th without the dropped 1st and 2nd. Then its state is
        // lost (its key evicted): starting from nothing again, it finds the 2nd's minutes dropped, and the days after them
        // sealed, but not the 2nd, which was never sealed whole: the 2nd's minutes are lost to it.
        const string id = "TEST:STATELOSTCUT";
        var (grain, sealer) = await AprilDaysSealedThenStateLostAsync(id, 1, 10, 7);
        await sealer.Recheck();
        await MinutesPassAsync();
        PeriodState? stored = null;
        await ClusterFixture.EventuallyAsync(async () => (stored = await StoredStateAsync(sealer))?.SealedThroughMs is not null);
        Assert.True(stored?.LostThroughMs == At.Ms("2026-04-02T10:00:00Z"), $"the sealer started again with {stored?.LostThroughMs} as the dropped minutes' end");

        // Then a trade a day to 1 May, each day sealed before the next comes (the retention never outruns the sealer):
        // April lacks the trades of the 1st and 2nd, and is stored partial.
        for (var day = 11; day <= 31; day++)
        {
            var at = new DateTimeOffset(2026, 4, 10, 10, 0, 0, TimeSpan.Zero).AddDays(day - 10);
            await grain.Ingest([new Tick(day, at.ToUnixTimeMilliseconds() * 1000, 100, 1, AggressorSide.Buy)], live: false);
            await fixture.SealedAsync(id, "1d", "UTC", bars => bars.Count >= day - 3);
        }

        var months = await fixture.SealedAsync(id, "1M", "UTC", bars => bars.Count >= 1);
        var april = Assert.Single(months);
        Assert.False(months.IsComplete(april), $"April, without the trades of the 1st and 2nd, was stored as complete ({april.Candle.Trades} trades)");
    }

    private IGrainStorage Storage =>
        fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(Hosting.CandlesSiloBuilderExtensions.StorageName);

    private async Task<PeriodState?> StoredStateAsync(IPeriodGrain sealer) => (await ReadStoredAsync(sealer)).State;

    /// <summary>
    /// A new instrument gets <paramref name="ticks"/> in one replay batch; <paramref name="meanwhile"/> runs while its UTC
    /// sealer's first seal waits on PostgreSQL, which then stores it. Returns the sealer.
    /// </summary>
    private async Task<IPeriodGrain> WhileTheFirstSealWaitsAsync(string id, Tick[] ticks, Func<IPeriodGrain, Task> meanwhile)
    {
        var grain = await fixture.DefinedAsync(id);
        var sealer = fixture.Grains.GetGrain<IPeriodGrain>(GrainKeys.Period(id, "UTC"));
        var release = fixture.SealedWrites.HoldNextUpsert(id, "UTC");
        try
        {
            await grain.Ingest(ticks, live: false);
            Assert.True(await ClusterFixture.EventuallyAsync(() => Task.FromResult(fixture.SealedWrites.Holding(id, "UTC"))), "the first seal never began");
            await meanwhile(sealer);
        }
        finally
        {
            release.TrySetResult();
        }

        return sealer;
    }

    /// <summary>
    /// A trade at 10:00 on each April day from <paramref name="first"/> to <paramref name="last"/> in one replay batch; once
    /// the UTC sealer has sealed <paramref name="sealedDays"/> days, its state alone is lost from grain storage (its key evicted).
    /// </summary>
    private async Task<(ISymbolGrain Grain, IPeriodGrain Sealer)> AprilDaysSealedThenStateLostAsync(string id, int first, int last, int sealedDays)
    {
        var grain = await fixture.DefinedAsync(id);
        await grain.Ingest([.. Enumerable.Range(first, last - first + 1).Select(d => Buy(d, $"2026-04-{d:00}T10:00:00Z"))], live: false);
        await SealedAsync(id, "1d", "UTC", sealedDays);
        var sealer = fixture.Grains.GetGrain<IPeriodGrain>(GrainKeys.Period(id, "UTC"));
        await fixture.Cluster.DeactivateAsync(sealer);
        var stored = await ReadStoredAsync(sealer);
        Assert.NotNull(stored.State?.SealedThroughMs);
        await Storage.ClearStateAsync("period", sealer.GetGrainId(), stored);
        return (grain, sealer);
    }

    private async Task<GrainState<PeriodState>> ReadStoredAsync(IPeriodGrain sealer)
    {
        var state = new GrainState<PeriodState>(new PeriodState());
        await Storage.ReadStateAsync("period", sealer.GetGrainId(), state);
        return state;
    }

    [Fact]
    public async Task DaysTheRetentionDroppedBeforeTheSealerSawThemAreServedAsPartialAtOnce()
    {
        // Monday 30 March, Tuesday 31 and Friday 3 April are sealed; the other days of that week had no trades. Monday the
        // 6th traded. A trade of the 7th finishes the 6th, whose seal is held (PostgreSQL slow); then a trade of the 14th
        // has the retention drop the 6th's minutes before the sealer is done.
        const string id = "TEST:DROPPEDUNSEALED";
        var grain = await fixture.DefinedAsync(id);
        await grain.Ingest([Buy(1, "2026-03-30T12:00:00Z"), Buy(2, "2026-03-31T12:00:00Z"), Buy(3, "2026-04-03T12:00:00Z"), Buy(4, "2026-04-06T10:00:00Z")], live: false);
        await SealedAsync(id, "1d", "UTC", 3);
        var release = fixture.SealedWrites.HoldNextUpsert(id, "UTC");
        try
        {
            await grain.Ingest([Buy(5, "2026-04-07T10:00:00Z")], live: false);
            Assert.True(await ClusterFixture.EventuallyAsync(() => Task.FromResult(fixture.SealedWrites.Holding(id, "UTC"))), "the seal of the 6th never began");
            await grain.Ingest([Buy(6, "2026-04-14T10:00:00Z")], live: false);

            // Served now, before the sealer marks anything: the week holding the 6th is partial; the week before it, sealed
            // whole with its quiet weekend, stays complete, and so does the 7th.
            var weeks = await BarsOfAsync(id, "1w");
            Assert.Equal(
                [("2026-03-30T00:00Z", true), ("2026-04-06T00:00Z", false), ("2026-04-13T00:00Z", true)],
                weeks.Bars.Select(b => (Row(b).Open, weeks.IsComplete(b))));
            var days = await BarsOfAsync(id, "1d");
            Assert.Contains(days.Bars, d => Row(d).Open == "2026-04-07T00:00Z" && days.IsComplete(d));
        }
        finally
        {
            release.TrySetResult();
        }
    }

    private async Task<BarsPage> BarsOfAsync(string id, string timeframe) =>
        await fixture.Grains.GetGrain<ITimeframeGrain>(GrainKeys.Timeframe(id, Timeframe.Parse(timeframe), "UTC")).GetBars(new BarsQuery(long.MinValue, long.MaxValue, 10, null));

    [Fact]
    public async Task ALateTradeInASealedDayTheRetentionCutIntoIsRefusedSoTheMinutesAndTheDayAgree()
    {
        // 1 April is sealed whole; then the newest trade moves to 8 April 10:00, and the 7-day retention cuts the 1st at
        // 10:00. A trade of the 1st at 11:00 arriving now would amend a minute still retained, in a day that cannot be
        // sealed again from what is left of it: the 1m bars would say three trades and the day two, for good.
        var grain = await FirstOfAprilSealedAsync("TEST:LATECUT");
        await grain.Ingest([Buy(4, "2026-04-08T10:00:00Z")], live: false);

        var report = await grain.Ingest([Buy(5, "2026-04-01T11:00:30Z")], live: false);

        Assert.Equal((0, 0, 1), (report.Applied, report.Amended, report.TooOld));
        await FirstOfAprilUnchangedAsync(grain, "TEST:LATECUT");
    }

    [Fact]
    public async Task ALateTradeInASealedDayItsOwnBatchCutsIntoIsRefusedSoTheMinutesAndTheDayAgree()
    {
        // As above, but the late trade of the 1st comes first in the batch whose newer trade (8 April 10:00) cuts the 1st:
        // when it arrives, the 1st is whole and its minute retained; once the batch is in, the day cannot be sealed again.
        var grain = await FirstOfAprilSealedAsync("TEST:LATEBATCH");

        var report = await grain.Ingest([Buy(4, "2026-04-01T11:00:30Z"), Buy(5, "2026-04-08T10:00:00Z")], live: false);

        Assert.Equal((1, 0, 1), (report.Applied, report.Amended, report.TooOld));
        await FirstOfAprilUnchangedAsync(grain, "TEST:LATEBATCH");
    }

    [Fact]
    public async Task ACorrectedSealedDayIsKeptPastTheRetentionUntilItsSealersHaveHadTimeToResealIt()
    {
        // The late trade of the 1st amends a minute of the whole, sealed day, but its re-seal fails (PostgreSQL down); then
        // the next call's trade (8 April 10:00) moves the retention past the 1st's morning before the sealer's check. The
        // 1st is kept whole, so the check seals it again with the trade; once the keep has run out, the next bar drops it.
        var grain = await FirstOfAprilCorrectedButNotResealedAsync("TEST:KEEP");
        await grain.Ingest([Buy(5, "2026-04-08T10:00:00Z")], live: false);
        Assert.Single((await grain.GetMinuteBars(At.Ms("2026-04-01T09:00:00Z"), At.Ms("2026-04-01T09:01:00Z"))).Bars);

        var start = fixture.Clock.GetUtcNow();
        await FirstOfAprilResealedWithTheLateTradeAsync("TEST:KEEP", start);

        fixture.Clock.SetUtcNow(start.AddMinutes(4));
        await grain.Ingest([Buy(6, "2026-04-08T10:01:00Z")], live: false);
        Assert.Empty((await grain.GetMinuteBars(At.Ms("2026-04-01T09:00:00Z"), At.Ms("2026-04-01T09:01:00Z"))).Bars);
    }

    [Fact]
    public async Task ACorrectedSealedDayIsKeptByEveryNewActivationOfItsInstrumentUntilItIsResealed()
    {
        // As above, but the instrument's grain is activated anew (after a crash or a move, as here after a deactivation)
        // before and after the call that moves the retention past the 1st's morning. Each new activation resumes the
        // hold its last commit carried, and the last one, restored with the 1st held past the retention, knows from its
        // checkpoint that nothing of the 1st was dropped: the check seals it with the trade. The hold is not started
        // again by an activation: once over, the next activation's first bar drops the 1st.
        var grain = await FirstOfAprilCorrectedButNotResealedAsync("TEST:KEEPNEW");
        await fixture.Cluster.DeactivateAsync(grain);
        await grain.Ingest([Buy(5, "2026-04-08T10:00:00Z")], live: false);
        await fixture.Cluster.DeactivateAsync(grain);
        Assert.Single((await grain.GetMinuteBars(At.Ms("2026-04-01T09:00:00Z"), At.Ms("2026-04-01T09:01:00Z"))).Bars);

        var start = fixture.Clock.GetUtcNow();
        await FirstOfAprilResealedWithTheLateTradeAsync("TEST:KEEPNEW", start);

        fixture.Clock.SetUtcNow(start.AddMinutes(4));
        await fixture.Cluster.DeactivateAsync(grain);
        await grain.Ingest([Buy(6, "2026-04-08T10:01:00Z")], live: false);
        Assert.Empty((await grain.GetMinuteBars(At.Ms("2026-04-01T09:00:00Z"), At.Ms("2026-04-01T09:01:00Z"))).Bars);
    }

    /// <summary>The sealed 1st gets a late trade at 11:00:30; its re-seal fails (PostgreSQL down), the sealer's check is due.</summary>
    private async Task<ISymbolGrain> FirstOfAprilCorrectedButNotResealedAsync(string instrument)
    {
        var grain = await FirstOfAprilSealedAsync(instrument);
        fixture.SealedWrites.FailNextUpsert(instrument, "UTC");
        Assert.Equal(1, (await grain.Ingest([Buy(4, "2026-04-01T11:00:30Z")], live: false)).Amended);
        Assert.True(await ClusterFixture.EventuallyAsync(() => Task.FromResult(fixture.SealedWrites.Failed(instrument, "UTC"))), "the re-seal was never tried");
        return grain;
    }

    /// <summary>Three minutes pass from <paramref name="start"/>, and the sealer's check seals the 1st with its three trades.</summary>
    private async Task FirstOfAprilResealedWithTheLateTradeAsync(string instrument, DateTimeOffset start)
    {
        await MinutesPassAsync(start, 1, 3);
        var day = (await fixture.SealedAsync(instrument, "1d", "UTC", bars => bars[0].Candle.Trades == 3))[0];
        Assert.Equal(("2026-04-01T00:00Z", "2026-04-02T00:00Z", 3L), Row(day));
    }

    [Fact]
    public async Task ADayTheRetentionCutIntoIsNotSealedFromWhatIsLeftOfIt()
    {
        // The batch's newest trade is 14 April 10:00: retained from 7 April 10:00, so the 7th loses its 09:00 trade
        // and keeps its 11:00 one. It must not be sealed as a day of one trade.
        var grain = await fixture.DefinedAsync("TEST:RETCUT");
        await grain.Ingest([Buy(1, "2026-03-30T10:00:00Z"), Buy(2, "2026-03-31T10:00:00Z")], live: false);
        await SealedAsync("TEST:RETCUT", "1d", "UTC", 1);
        await grain.Ingest([Buy(3, "2026-04-07T09:00:00Z"), Buy(4, "2026-04-07T11:00:00Z"), Buy(5, "2026-04-08T10:00:00Z"), Buy(6, "2026-04-14T10:00:00Z")], live: false);

        var sealedDays = await SealedAsync("TEST:RETCUT", "1d", "UTC", 2);
        Assert.Equal(["03-30", "04-08"], sealedDays.Select(d => Row(d).Open[5..10]));
    }
}
