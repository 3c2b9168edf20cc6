using Candles.Abstractions.Grains;
using Candles.Abstractions.Wire;
using Candles.Core.Ticks;

using static Candles.Grains.Tests.At;

namespace Candles.Grains.Tests;

[Collection(nameof(SharedCluster))]
public class SymbolGrainTests(ClusterFixture fixture)
{

    [Fact]
    public async Task QuietMinuteOfALiveSourceClosesOnTimeAfterTheGrace()
    {
        var grain = await fixture.DefinedAsync("TEST:QUIET");
        var now = fixture.Clock.GetUtcNow();
        var minute = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero).AddMinutes(1);
        fixture.Clock.SetUtcNow(minute.AddSeconds(10));
        await grain.Ingest([new Tick(1, minute.AddSeconds(10).ToUnixTimeMilliseconds() * 1000, 100, 1, AggressorSide.Buy)], live: true);

        // One second past the minute is inside the 2 s grace: still live.
        fixture.Clock.SetUtcNow(minute.AddSeconds(61));
        var page = await grain.GetMinuteBars(long.MinValue, long.MaxValue);
        Assert.False(page.IsClosed(Assert.Single(page.Bars)));

        // Past the grace, the grain's timer closes it without any new tick.
        fixture.Clock.SetUtcNow(minute.AddSeconds(62.5));
        Assert.True(await ClusterFixture.EventuallyAsync(async () =>
        {
            var latest = await grain.GetMinuteBars(long.MinValue, long.MaxValue);
            return latest.IsClosed(latest.Bars[0]);
        }));
    }

    [Fact]
    public async Task ReplayedTicksCloseBarsByEventTimeOnlyAndFlushClosesTheLast()
    {
        var grain = await fixture.DefinedAsync("TEST:REPLAY");
        await grain.Ingest(
            [new Tick(1, Us("2020-01-01T00:00:10Z"), 100, 1, AggressorSide.Buy), new Tick(2, Us("2020-01-01T00:01:10Z"), 101, 1, AggressorSide.Sell)],
            live: false);
        var page = await grain.GetMinuteBars(long.MinValue, long.MaxValue);
        Assert.Equal([true, false], page.Bars.Select(page.IsClosed));
        await grain.Flush();
        page = await grain.GetMinuteBars(long.MinValue, long.MaxValue);
        Assert.All(page.Bars, bar => Assert.True(page.IsClosed(bar)));
    }

    [Fact]
    public async Task TheFeedPositionGivesTheHeldTradeIdRangesAndWhenTheirEdgeTradesHappened()
    {
        // Ids 1..3 and 7..8 held: a feed connector resumes after 8, fetches 4..6, and, if it cannot, marks them between
        // trade 3 (no later than its time, 00:00:40) and trade 7 (no earlier than its time, 00:01:10).
        var grain = await fixture.DefinedAsync("TEST:POSITION");
        await grain.Ingest(
            [.. new[] { (1, "00:00:05"), (2, "00:00:20"), (3, "00:00:40"), (7, "00:01:10"), (8, "00:01:30") }
                .Select(t => new Tick(t.Item1, Us($"2026-01-01T{t.Item2}Z"), 100, 1, AggressorSide.Buy))],
            live: false);

        var position = await grain.GetFeedPosition();
        Assert.Equal([1L, 7L], position.RangeLows);
        Assert.Equal([3L, 8L], position.RangeHighs);
        Assert.Equal(Us("2026-01-01T00:01:30Z"), position.LastTradeTimeUs);
        Assert.Equal((Us("2026-01-01T00:00:40Z"), Us("2026-01-01T00:01:10Z")), (position.HighTimeUs(0), position.LowTimeUs(1)));
    }

    [Fact]
    public async Task DuplicatesAreIgnoredAndLateTicksAmendWithARevision()
    {
        var grain = await fixture.DefinedAsync("TEST:LATE");
        var first = await grain.Ingest(
            [new Tick(1, Us("2026-01-01T00:00:10Z"), 100, 1, AggressorSide.Buy), new Tick(3, Us("2026-01-01T00:01:10Z"), 100, 1, AggressorSide.Buy)],
            live: false);
        var second = await grain.Ingest(
            [new Tick(1, Us("2026-01-01T00:00:10Z"), 100, 1, AggressorSide.Buy), new Tick(2, Us("2026-01-01T00:00:50Z"), 90, 4, AggressorSide.Sell)],
            live: false);
        Assert.Equal(new IngestReport(2, 2, 0, 0, 0), first);
        Assert.Equal(new IngestReport(2, 0, 1, 1, 0), second);
        var amended = (await grain.GetMinuteBars(long.MinValue, long.MaxValue)).Bars[0].Candle;
        Assert.Equal((1, 90L, 2L), (amended.Revision, amended.Low, amended.Trades));
    }

    [Fact]
    public async Task ANewActivationCarriesOnFromTheStoreWithoutLosingOrRepeatingATick()
    {
        var grain = await fixture.DefinedAsync("TEST:RESTART");
        Tick[] first = [new(1, Us("2026-02-01T00:00:10Z"), 100, 1, AggressorSide.Buy), new(2, Us("2026-02-01T00:01:10Z"), 101, 2, AggressorSide.Sell)];
        await grain.Ingest(first, live: false);
        var before = await grain.GetMinuteBars(long.MinValue, long.MaxValue);

        await fixture.Cluster.DeactivateAsync(grain);

        var after = await grain.GetMinuteBars(long.MinValue, long.MaxValue);
        Assert.Equal(before.Bars.Select(b => b.Candle), after.Bars.Select(b => b.Candle));
        Assert.Equal(before.WatermarkUs, after.WatermarkUs);
        var again = await grain.Ingest([.. first, new Tick(3, Us("2026-02-01T00:01:20Z"), 102, 1, AggressorSide.Buy)], live: false);
        Assert.Equal(new IngestReport(3, 1, 0, 2, 0), again);
        var live = (await grain.GetMinuteBars(long.MinValue, long.MaxValue)).Bars[^1].Candle;
        Assert.Equal((2L, 101L, 102L), (live.Trades, live.Open, live.Close));
    }

    [Fact]
    public async Task RedefiningWithOtherGridsIsAConflictAndTheSameGridsAreUnchanged()
    {
        var grain = await fixture.DefinedAsync("TEST:DEFINE");
        Assert.Equal(DefineOutcome.Unchanged, await grain.Define(new InstrumentSpec("TEST:DEFINE", "0.010", "0.0010")));
        Assert.Equal(DefineOutcome.Conflict, await grain.Define(new InstrumentSpec("TEST:DEFINE", "0.5", "0.001")));
        Assert.Equal("0.01", (await grain.GetStatus()).Spec!.TickSize);
        Assert.Contains("TEST:DEFINE", await fixture.Grains.GetGrain<IInstrumentRegistryGrain>(0).List());
    }

    [Fact]
    public async Task ADefinitionStoredButNotListedIsListedWhenItIsDefinedAgain()
    {
        var grain = fixture.Grains.GetGrain<ISymbolGrain>("TEST:UNLISTED");
        var spec = new InstrumentSpec("TEST:UNLISTED", "0.01", "0.001");
        var registry = fixture.Grains.GetGrain<IInstrumentRegistryGrain>(0);
        fixture.RegistryAdds.FailNext();
        await Assert.ThrowsAnyAsync<Exception>(() => grain.Define(spec));
        Assert.DoesNotContain("TEST:UNLISTED", await registry.List());

        // The caller retries: the definition is there already, and the listing is made now.
        Assert.Equal(DefineOutcome.Unchanged, await grain.Define(spec));
        Assert.Contains("TEST:UNLISTED", await registry.List());
    }

    [Fact]
    public async Task AnInstrumentDefinedWhenItsSealedDaysCouldNotBeLookedUpStartsItsHistoryAfterThem()
    {
        const string id = "TEST:LOSTLOOKUP";
        var grain = await SealedDayLookedUpWhilePostgresIsDownAsync(id);

        // Defined again (a feed starting, a replay): its history starts after the sealed day, so a late trade in it is refused.
        Assert.Equal(DefineOutcome.Created, await grain.Define(new InstrumentSpec(id, "0.01", "0.001")));
        var report = await grain.Ingest([Buy(2, "2026-04-20T12:00:00Z", 101)], live: false);
        Assert.Equal((0, 1), (report.Applied, report.TooOld));
    }

    [Fact]
    public async Task AnInstrumentDefinedWhenItsSealedDaysCouldNotBeLookedUpKeepsTheirGrids()
    {
        // Defined again with a tick ten times larger: its new bars would be sealed in other units beside
        // the stored ones. The definition is refused as a conflict; with the grids of its sealed days it is made.
        const string id = "TEST:LOSTGRIDS";
        var grain = await SealedDayLookedUpWhilePostgresIsDownAsync(id);

        Assert.Equal(DefineOutcome.Conflict, await grain.Define(new InstrumentSpec(id, "0.1", "0.001")));
        Assert.Null((await grain.GetStatus()).Spec);
        Assert.Equal(DefineOutcome.Created, await grain.Define(new InstrumentSpec(id, "0.01", "0.001")));
    }

    /// <summary>
    /// What a loss of Redis leaves: a day of 20 April sealed in PostgreSQL on tick 0.01, step 0.001, and nothing in Redis;
    /// and PostgreSQL down as the grain activates, so it activates undefined.
    /// </summary>
    private async Task<ISymbolGrain> SealedDayLookedUpWhilePostgresIsDownAsync(string id)
    {
        var (start, end) = (Ms("2026-04-20T00:00:00Z"), Ms("2026-04-21T00:00:00Z"));
        var day = new Core.Bars.Bar(
            new Core.Bars.Candle(new Core.Timeframes.BarPeriod(start, end), 100, 100, 100, 100, 1, 0, 100, 1, 1, start * 1000, 1, start * 1000, 0),
            Core.Bars.Footprint.Create([new Core.Bars.PriceLevel(100, 1, 0, 1)], 1));
        var grids = new Core.Instruments.Instrument(Core.Instruments.InstrumentId.Parse(id), Core.Instruments.Increment.Parse("0.01"), Core.Instruments.Increment.Parse("0.001"));
        await fixture.SealedBars.UpsertAsync(grids, [new Storage.Sealed.SeriesBars(new Storage.Sealed.SealedSeries(id, Core.Timeframes.Timeframe.Parse("1d"), "UTC"), [day])]);
        fixture.SealedWrites.FailNextFind(id);
        var grain = fixture.Grains.GetGrain<ISymbolGrain>(id);
        Assert.Null((await grain.GetStatus()).Spec);
        return grain;
    }

    [Fact]
    public async Task CachedCandlesFollowCorrectionsAndTheLiveMinute()
    {
        var grain = await fixture.DefinedAsync("TEST:CACHE");
        await grain.Ingest([new Tick(1, Us("2026-01-06T00:00:10Z"), 100, 1, AggressorSide.Buy), new Tick(3, Us("2026-01-06T00:06:10Z"), 103, 1, AggressorSide.Buy)], live: false);
        var fiveMinutes = fixture.Grains.GetGrain<ITimeframeGrain>(GrainKeys.Timeframe("TEST:CACHE", Core.Timeframes.Timeframe.Parse("5m"), "UTC"));
        var all = new BarsQuery(long.MinValue, long.MaxValue, 10, null);
        Assert.Equal([1L, 1L], (await fiveMinutes.GetBars(all)).Bars.Select(b => b.Candle.Trades));

        // A late tick corrects the first (closed) bar; a new tick extends the live one.
        await grain.Ingest([new Tick(2, Us("2026-01-06T00:01:10Z"), 90, 1, AggressorSide.Sell), new Tick(4, Us("2026-01-06T00:06:20Z"), 104, 1, AggressorSide.Buy)], live: false);
        var bars = (await fiveMinutes.GetBars(all)).Bars;
        Assert.Equal([2L, 2L], bars.Select(b => b.Candle.Trades));
        Assert.Equal((90L, 1, 104L), (bars[0].Candle.Low, bars[0].Candle.Revision, bars[1].Candle.Close));

        // A new bar opening after the cached ones is appended.
        await grain.Ingest([new Tick(5, Us("2026-01-06T00:11:00Z"), 110, 1, AggressorSide.Buy)], live: false);
        Assert.Equal([2L, 2L, 1L], (await fiveMinutes.GetBars(all)).Bars.Select(b => b.Candle.Trades));
        Assert.Equal([Us("2026-01-06T00:05:00Z") / 1000], (await fiveMinutes.GetBars(new BarsQuery(Us("2026-01-06T00:05:00Z") / 1000, Us("2026-01-06T00:10:00Z") / 1000, 10, null))).Bars.Select(b => b.Candle.OpenTimeMs));
    }

    [Fact]
    public async Task TheLastBarsAreFoundAcrossQuietPeriods()
    {
        var grain = await fixture.DefinedAsync("TEST:GAPS");
        await grain.Ingest(
            [new Tick(1, Us("2026-01-05T00:10:00Z"), 100, 1, AggressorSide.Buy), new Tick(2, Us("2026-01-05T01:10:00Z"), 101, 1, AggressorSide.Buy), new Tick(3, Us("2026-01-05T10:10:00Z"), 102, 1, AggressorSide.Buy)],
            live: false);
        var hours = fixture.Grains.GetGrain<ITimeframeGrain>(GrainKeys.Timeframe("TEST:GAPS", Core.Timeframes.Timeframe.Parse("1h"), "UTC"));
        var page = await hours.GetBars(new BarsQuery(long.MinValue, long.MaxValue, 3, null));
        Assert.Equal([Us("2026-01-05T00:00:00Z") / 1000, Us("2026-01-05T01:00:00Z") / 1000, Us("2026-01-05T10:00:00Z") / 1000], page.Bars.Select(b => b.Candle.OpenTimeMs));
        var minutes = fixture.Grains.GetGrain<ITimeframeGrain>(GrainKeys.Timeframe("TEST:GAPS", Core.Timeframes.Timeframe.Parse("1m"), "UTC"));
        Assert.Equal(2, (await minutes.GetBars(new BarsQuery(long.MinValue, long.MaxValue, 2, null))).Bars.Count);
    }

    [Fact]
    public async Task TimeframeGrainComposesTheLastBarsWhenNoStartIsGiven()
    {
        var grain = await fixture.DefinedAsync("TEST:COMPOSE");
        var ticks = Enumerable.Range(0, 30).Select(i => new Tick(i + 1, Us("2026-01-01T00:00:00Z") + (i * 60_000_000L), 100 + i, 1, AggressorSide.Buy)).ToArray();
        await grain.Ingest(ticks, live: false);
        var timeframe = fixture.Grains.GetGrain<ITimeframeGrain>(GrainKeys.Timeframe("TEST:COMPOSE", Core.Timeframes.Timeframe.Parse("5m"), "UTC"));
        var page = await timeframe.GetBars(new BarsQuery(long.MinValue, long.MaxValue, 2, null));
        Assert.Equal([Us("2026-01-01T00:20:00Z") / 1000, Us("2026-01-01T00:25:00Z") / 1000], page.Bars.Select(b => b.Candle.OpenTimeMs));
        Assert.Equal((120L, 124L, 5L), (page.Bars[0].Candle.Open, page.Bars[0].Candle.Close, page.Bars[0].Candle.Trades));
        var fromStart = await timeframe.GetBars(new BarsQuery(Us("2026-01-01T00:03:00Z") / 1000, long.MaxValue, 1, null));
        Assert.Equal(Us("2026-01-01T00:05:00Z") / 1000, Assert.Single(fromStart.Bars).Candle.OpenTimeMs);
    }
}

[Collection(nameof(SharedCluster))]
public class PeriodGrainTests(ClusterFixture fixture)
{
    private Task<Storage.Sealed.SealedBars> SealedAsync(string instrument, string timeframe, Func<IReadOnlyList<Core.Bars.Bar>, bool> until) =>
        fixture.SealedAsync(instrument, timeframe, "UTC", until);

    [Fact]
    public async Task FinishedDaysWeeksAndMonthsAreSealedAndTheLiveDayIsNot()
    {
        var grain = fixture.Grains.GetGrain<ISymbolGrain>("TEST:SEAL");
        await grain.Define(new InstrumentSpec("TEST:SEAL", "0.01", "0.001"));
        // Sunday 2026-03-01 closes a week (from Monday 02-23) and February; Monday 03-02 is still live.
        await grain.Ingest([Buy(1, "2026-02-27T10:00:00Z", 100), Buy(2, "2026-03-01T12:00:00Z", 110), Buy(3, "2026-03-02T00:00:05Z", 120)], live: false);

        var days = await SealedAsync("TEST:SEAL", "1d", b => b.Count == 2);
        Assert.Equal([Ms("2026-02-27T00:00:00Z"), Ms("2026-03-01T00:00:00Z")], days.Select(d => d.Candle.OpenTimeMs));
        var week = Assert.Single(await SealedAsync("TEST:SEAL", "1w", b => b.Count == 1));
        Assert.Equal((Ms("2026-02-23T00:00:00Z"), 100L, 110L, 2L), (week.Candle.OpenTimeMs, week.Candle.Open, week.Candle.Close, week.Candle.Trades));
        var month = Assert.Single(await SealedAsync("TEST:SEAL", "1M", b => b.Count == 1));
        Assert.Equal((Ms("2026-02-01T00:00:00Z"), 1L), (month.Candle.OpenTimeMs, month.Candle.Trades));
    }

    [Fact]
    public async Task ALateTickReSealsItsDayAndTheWeekAndMonthHoldingIt()
    {
        var grain = fixture.Grains.GetGrain<ISymbolGrain>("TEST:RESEAL");
        await grain.Define(new InstrumentSpec("TEST:RESEAL", "0.01", "0.001"));
        await grain.Ingest([Buy(10, "2026-01-30T10:00:00Z", 100), Buy(20, "2026-02-02T00:00:05Z", 120)], live: false);
        await SealedAsync("TEST:RESEAL", "1d", b => b.Count == 1);

        await grain.Ingest([Buy(11, "2026-01-30T11:00:00Z", 90, 5)], live: false);
        var day = Assert.Single(await SealedAsync("TEST:RESEAL", "1d", b => b.Count == 1 && b[0].Candle.Revision == 1));
        Assert.Equal((2L, 90L, 6L), (day.Candle.Trades, day.Candle.Low, (long)day.Candle.Volume));
        await SealedAsync("TEST:RESEAL", "1w", b => b.Count == 1 && b[0].Candle.Trades == 2);
        await SealedAsync("TEST:RESEAL", "1M", b => b.Count == 1 && b[0].Candle.Trades == 2);
    }
}
