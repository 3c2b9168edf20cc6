using Candles.Abstractions.Grains;
using Candles.Abstractions.Streams;
using Candles.Abstractions.Wire;
using Candles.Core.Ticks;
using Candles.Core.Timeframes;

using static Candles.Grains.Tests.At;

namespace Candles.Grains.Tests;

[Collection(nameof(SharedCluster))]
public class StreamTests(ClusterFixture fixture)
{
    private static Tick Buy(long id, string iso) => At.Buy(id, iso, 100 + id);

    private async Task<ISymbolGrain> DefinedAsync(string id)
    {
        var grain = fixture.Grains.GetGrain<ISymbolGrain>(id);
        Assert.Equal(DefineOutcome.Created, await grain.Define(new InstrumentSpec(id, "0.01", "0.001")));
        return grain;
    }

    private static async Task<IReadOnlyList<(BarEventKind Kind, long OpenMs, long Trades, int Revision)>> EventsAsync(StreamRecorder recorder, int atLeast, TimeSpan? within = null)
    {
        Assert.True(await ClusterFixture.EventuallyAsync(() => Task.FromResult(recorder.Events.Count() >= atLeast), within), $"expected {atLeast} events, got {recorder.Events.Count()}");
        await Task.Delay(200);
        var sequences = recorder.Messages.Select(m => m.Sequence).ToList();
        Assert.Equal(Enumerable.Range(0, sequences.Count).Select(i => sequences[0] + i), sequences);
        return [.. recorder.Events.Select(e => (e.Kind, e.Bar.Candle.OpenTimeMs, e.Bar.Candle.Trades, e.Bar.Candle.Revision))];
    }

    [Fact]
    public async Task TheMinuteStreamCarriesCloseLiveUpdateAndCorrectionInOrder()
    {
        var grain = await DefinedAsync("TEST:STREAM1M");
        var recorder = await fixture.RecordAsync(CandleStreams.Minutes("TEST:STREAM1M"));
        await grain.Ingest([Buy(1, "2026-01-07T00:00:10Z"), Buy(3, "2026-01-07T00:01:10Z")], live: false);
        await grain.Ingest([Buy(2, "2026-01-07T00:00:50Z")], live: false);

        var events = await EventsAsync(recorder, 3);
        Assert.Equal(
            [(BarEventKind.Close, Ms("2026-01-07T00:00:00Z"), 1L, 0), (BarEventKind.Update, Ms("2026-01-07T00:01:00Z"), 1L, 0), (BarEventKind.Correction, Ms("2026-01-07T00:00:00Z"), 2L, 1)],
            events);
        // The stream carries candles; the footprints stay with the grain, which the following timeframes get them from.
        Assert.All(recorder.Events, e => Assert.Empty(e.Bar.Footprint.Levels));
        Assert.NotEmpty((await grain.GetMinuteBars(Ms("2026-01-07T00:00:00Z"), long.MaxValue)).Bars[0].Footprint.Levels);
    }

    [Fact]
    public async Task ALiveUpdateAloneGoesToTheFollowingTimeframesButNotOnTheMinuteStream()
    {
        var grain = await DefinedAsync("TEST:STREAMLIVE");
        var stream = await fixture.RecordAsync(CandleStreams.Minutes("TEST:STREAMLIVE"));
        var observed = await fixture.ObserveAsync(GrainKeys.Timeframe("TEST:STREAMLIVE", Timeframe.Parse("1m"), "UTC"));

        // The first tick enters a minute, the second only changes the live bar, the third closes that minute.
        await grain.Ingest([Buy(1, "2026-01-08T00:00:10Z")], live: false);
        await grain.Ingest([Buy(2, "2026-01-08T00:00:20Z")], live: false);

        // Live updates are coalesced to one per update period: the second goes out on the grain's timer.
        Assert.True(await ClusterFixture.EventuallyAsync(() => Task.FromResult(observed.Events.Any(e => e.Kind == BarEventKind.Update && e.Bar.Candle.Trades == 2))), "the live update never reached the observer");
        await grain.Ingest([Buy(3, "2026-01-08T00:01:05Z")], live: false);
        Assert.True(await ClusterFixture.EventuallyAsync(() => Task.FromResult(observed.Events.Any(e => e.Kind == BarEventKind.Close))), "the close never reached the observer");
        var onStream = await EventsAsync(stream, 3);
        Assert.Equal(
            [(BarEventKind.Update, Ms("2026-01-08T00:00:00Z"), 1L, 0), (BarEventKind.Close, Ms("2026-01-08T00:00:00Z"), 2L, 0), (BarEventKind.Update, Ms("2026-01-08T00:01:00Z"), 1L, 0)],
            onStream);
    }

    [Fact]
    public async Task AFollowerTheInstrumentForgotCatchesUpWhenItFollowsAgain()
    {
        var grain = await DefinedAsync("TEST:STREAMFORGOT");
        var key = GrainKeys.Timeframe("TEST:STREAMFORGOT", Timeframe.Parse("5m"), "UTC");
        var observed = await fixture.ObserveAsync(key);
        await grain.Ingest([Buy(1, "2026-01-09T00:00:10Z")], live: false);
        Assert.True(await ClusterFixture.EventuallyAsync(() => Task.FromResult(observed.Events.Any())), "no first update");

        // The instrument's grain is activated anew (as after its silo left): it pushes to nobody until followed again.
        await grain.Cast<Orleans.Core.Internal.IGrainManagementExtension>().DeactivateOnIdle();
        await grain.Ingest([Buy(2, "2026-01-09T00:00:20Z")], live: false);
        await Task.Delay(300);
        Assert.DoesNotContain(observed.Events, e => e.Bar.Candle.Trades == 2);

        // The gateway's next check follows again: the commit it missed arrives without waiting for another one.
        await fixture.Grains.GetGrain<ITimeframeGrain>(key).Follow(observed.Reference!);
        Assert.True(await ClusterFixture.EventuallyAsync(() => Task.FromResult(observed.Events.Any(e => e.Bar.Candle.Trades == 2))), "the missed commit never arrived");
    }

    [Fact]
    public async Task ATimeframeGrainPushesItsOwnUpdatesClosesAndCorrectionsToItsObservers()
    {
        var grain = await DefinedAsync("TEST:STREAMTF");
        var key = GrainKeys.Timeframe("TEST:STREAMTF", Timeframe.Parse("5m"), "UTC");
        var fiveMinutes = fixture.Grains.GetGrain<ITimeframeGrain>(key);
        var before = await fiveMinutes.Watch();
        var recorder = await fixture.ObserveAsync(key);

        await grain.Ingest([Buy(1, "2026-01-07T00:00:10Z"), Buy(2, "2026-01-07T00:01:10Z")], live: false);
        await EventsAsync(recorder, 1);
        await grain.Ingest([Buy(5, "2026-01-07T00:06:00Z")], live: false);
        await EventsAsync(recorder, 3);
        await grain.Ingest([Buy(3, "2026-01-07T00:02:00Z")], live: false);

        var events = await EventsAsync(recorder, 4);
        var first = Ms("2026-01-07T00:00:00Z");
        var second = Ms("2026-01-07T00:05:00Z");
        Assert.Equal((BarEventKind.Update, first), (events[0].Kind, events[0].OpenMs));
        Assert.Equal(
            [(BarEventKind.Close, first, 2L, 0), (BarEventKind.Update, second, 1L, 0), (BarEventKind.Correction, first, 3L, 1)],
            events.Where(e => e.Kind != BarEventKind.Update || e.OpenMs == second));
        Assert.True(recorder.Messages[0].Sequence > before);
    }

    [Fact]
    public async Task ALongerBarClosesForObserversWhenTheClockPassesItsEndAfterQuietMinutes()
    {
        var grain = await DefinedAsync("TEST:STREAMQUIET");
        var key = GrainKeys.Timeframe("TEST:STREAMQUIET", Timeframe.Parse("5m"), "UTC");
        var recorder = await fixture.ObserveAsync(key);

        // A live trade in the first minute of a 5m bar; then the clock moves on with no trade at all.
        var bar = fixture.Clock.GetUtcNow().AddHours(1);
        bar = new DateTimeOffset(bar.Year, bar.Month, bar.Day, bar.Hour, 0, 0, TimeSpan.Zero);
        fixture.Clock.SetUtcNow(bar.AddSeconds(10));
        await grain.Ingest([new Tick(1, bar.AddSeconds(5).ToUnixTimeMilliseconds() * 1000, 100, 1, AggressorSide.Buy)], live: true);
        fixture.Clock.SetUtcNow(bar.AddMinutes(3));
        await Task.Delay(300);
        Assert.DoesNotContain(recorder.Events, e => e.Kind == BarEventKind.Close);

        // An hour's jump wakes every other test's instruments and sealers too: give the silo time on a busy machine.
        fixture.Clock.SetUtcNow(bar.AddMinutes(5).AddSeconds(3));
        var events = await EventsAsync(recorder, 2, TimeSpan.FromSeconds(30));
        Assert.Equal((BarEventKind.Update, bar.ToUnixTimeMilliseconds(), 1L), (events[0].Kind, events[0].OpenMs, events[0].Trades));
        Assert.Equal([(BarEventKind.Close, bar.ToUnixTimeMilliseconds(), 1L, 0)], events.Where(e => e.Kind == BarEventKind.Close));
    }

    [Fact]
    public async Task ACommitClosingThousandsOfBarsArrivesWholeInSeveralMessages()
    {
        var grain = await DefinedAsync("TEST:STREAMBIG");
        var recorder = await fixture.RecordAsync(CandleStreams.Minutes("TEST:STREAMBIG"));

        // 6,000 minutes of two price levels each close in one batch; then one minute of 9,000 levels closes.
        var start = Us("2026-02-01T00:00:00Z");
        var minutes = Enumerable.Range(0, 6000).SelectMany(m => new[]
        {
            new Tick((2 * m) + 1, start + (m * 60_000_000L), 100, 1, AggressorSide.Buy),
            new Tick((2 * m) + 2, start + (m * 60_000_000L) + 1, 101, 1, AggressorSide.Sell),
        });
        await grain.Ingest([.. minutes], live: false);
        var wide = start + (6000 * 60_000_000L);
        await grain.Ingest([.. Enumerable.Range(0, 9000).Select(i => new Tick(20_000 + i, wide + i, 1000 + i, 1, AggressorSide.Buy))], live: false);
        await grain.Flush();

        var events = await EventsAsync(recorder, 6001);
        Assert.Equal(Enumerable.Range(0, 6001).Select(m => (start / 1000) + (m * 60_000L)), events.Where(e => e.Kind == BarEventKind.Close).Select(e => e.OpenMs));
        Assert.True(recorder.Messages.Count >= 3, $"{recorder.Messages.Count} messages");
        Assert.All(recorder.Messages, m => Assert.True(m.Events.Count <= MinutePublisher.MaxMessageLevels));

        // The stream carries the candles only, the wide bar's too; the grain keeps every footprint.
        Assert.All(recorder.Events, e => Assert.True(e.Bar.Footprint.Levels.IsEmpty));
        var last = recorder.Events.Last(e => e.Kind == BarEventKind.Close);
        Assert.Equal(9000L, last.Bar.Candle.Trades);
        Assert.Equal(2, (await grain.GetMinuteBars(start / 1000, (start / 1000) + 60_000)).Bars[0].Footprint.Levels.Length);
        Assert.Equal(9000, (await grain.GetMinuteBars(wide / 1000, long.MaxValue)).Bars[0].Footprint.Levels.Length);
    }
}
