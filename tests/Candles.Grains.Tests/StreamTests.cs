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

    private static async Task<IReadOnlyList<(BarEventKind Kind, long OpenMs, long Trades, int Revision)>> EventsAsync(StreamRecorder recorder, int atLeast)
    {
        Assert.True(await ClusterFixture.EventuallyAsync(() => Task.FromResult(recorder.Events.Count() >= atLeast)), $"expected {atLeast} events, got {recorder.Events.Count()}");
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
        Assert.All(recorder.Events.Where(e => e.Kind != BarEventKind.Update), e => Assert.NotEmpty(e.Bar.Footprint.Levels));
    }

    [Fact]
    public async Task ATimeframeStreamCarriesItsOwnUpdatesClosesAndCorrections()
    {
        var grain = await DefinedAsync("TEST:STREAMTF");
        var key = GrainKeys.Timeframe("TEST:STREAMTF", Timeframe.Parse("5m"), "UTC");
        var fiveMinutes = fixture.Grains.GetGrain<ITimeframeGrain>(key);
        var before = await fiveMinutes.Watch();
        var recorder = await fixture.RecordAsync(CandleStreams.Timeframe(key));

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
}
