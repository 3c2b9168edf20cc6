using Candles.Core.Bars;
using Candles.Core.Instruments;
using Candles.Core.Timeframes;
using Candles.Storage.Sealed;

namespace Candles.Storage.Tests;

/// <summary>What every sealed-bar store must do, run against each implementation (in-memory and PostgreSQL).</summary>
public abstract class SealedBarStoreContract
{
    protected const long Day = 86_400_000;
    protected const long T0 = 1_772_150_400_000;

    protected static readonly Instrument Pepe = new(InstrumentId.Parse("BINANCE:PEPEUSDT"), Increment.Parse("0.00000001"), Increment.Parse("1"));

    private readonly SealedSeries _daily = new($"TEST:D{Guid.NewGuid():N}"[..20].ToUpperInvariant(), Timeframe.Parse("1d"), "America/New_York");

    protected abstract ISealedBarStore Store { get; }

    protected static Bar DailyBar(long openTime, int revision = 0, long extra = 0)
    {
        var huge = Int128.Parse("20000000000000000000", System.Globalization.CultureInfo.InvariantCulture) + extra;
        var candle = new Candle(new BarPeriod(openTime, openTime + Day), 1200, 1300, 1100, 1250, huge, 7, huge * 1234, 99 + extra, 5, openTime * 1000, 103, (openTime * 1000) + 9, revision);
        return new Bar(candle, Footprint.Create([new PriceLevel(1100, 0, 7, 3), new PriceLevel(1250, huge, 0, 96 + extra)], 1));
    }

    private static void AssertSameBars(IReadOnlyList<Bar> expected, IReadOnlyList<Bar> actual)
    {
        Assert.Equal(expected.Select(b => b.Candle), actual.Select(b => b.Candle));
        Assert.Equal(expected.Select(b => b.Footprint.Levels.ToArray()), actual.Select(b => b.Footprint.Levels.ToArray()));
    }

    [Fact]
    public async Task SealedBarsComeBackExactlyAscendingInAHalfOpenRange()
    {
        Bar[] bars = [DailyBar(T0 + Day), DailyBar(T0), DailyBar(T0 + (2 * Day))];
        await Store.UpsertAsync(Pepe, _daily, bars);
        AssertSameBars([DailyBar(T0), DailyBar(T0 + Day)], await Store.LoadAsync(_daily, T0, T0 + (2 * Day)));
    }

    [Fact]
    public async Task CandlesCanBeLoadedWithoutTheirFootprints()
    {
        await Store.UpsertAsync(Pepe, _daily, [DailyBar(T0)]);
        var bar = Assert.Single(await Store.LoadAsync(_daily, long.MinValue, long.MaxValue, footprints: false));
        Assert.Equal(DailyBar(T0).Candle, bar.Candle);
        Assert.True(bar.Footprint.Levels.IsEmpty);
    }

    [Fact]
    public async Task ResealingAfterACorrectionLeavesOneBarTheNewest()
    {
        await Store.UpsertAsync(Pepe, _daily, [DailyBar(T0)]);
        await Store.UpsertAsync(Pepe, _daily, [DailyBar(T0)]);
        await Store.UpsertAsync(Pepe, _daily, [DailyBar(T0, revision: 1, extra: 1)]);
        AssertSameBars([DailyBar(T0, revision: 1, extra: 1)], await Store.LoadAsync(_daily, long.MinValue, long.MaxValue));
    }

    [Fact]
    public async Task AnOlderRevisionNeverReplacesANewerOne()
    {
        // Two activations of one sealer while the cluster changed: the one that read older minutes writes last.
        await Store.UpsertAsync(Pepe, _daily, [DailyBar(T0, revision: 2, extra: 2)]);
        await Store.UpsertAsync(Pepe, _daily, [DailyBar(T0, revision: 1, extra: 1), DailyBar(T0 + Day)]);
        AssertSameBars([DailyBar(T0, revision: 2, extra: 2), DailyBar(T0 + Day)], await Store.LoadAsync(_daily, long.MinValue, long.MaxValue));
    }

    [Fact]
    public async Task SealsAtOnceEndWithTheNewestRevision()
    {
        // Sealers of one instrument writing together (activations overlapping in a membership change): none fails, and
        // whatever the order they land in, the newest revision is what stays.
        var revisions = Enumerable.Range(0, 12).Reverse().ToList();
        await Task.WhenAll(revisions.Select(r => Task.Run(() => Store.UpsertAsync(Pepe, _daily, [DailyBar(T0, revision: r, extra: r)]))));
        AssertSameBars([DailyBar(T0, revision: 11, extra: 11)], await Store.LoadAsync(_daily, long.MinValue, long.MaxValue));
    }

    [Fact]
    public async Task SeveralSeriesAreSealedInOneCall()
    {
        var weekly = _daily with { Timeframe = Timeframe.Parse("1w") };
        await Store.UpsertAsync(Pepe, [new SeriesBars(_daily, [DailyBar(T0), DailyBar(T0 + Day)]), new SeriesBars(weekly, [DailyBar(T0, revision: 1, extra: 1)])]);
        AssertSameBars([DailyBar(T0), DailyBar(T0 + Day)], await Store.LoadAsync(_daily, long.MinValue, long.MaxValue));
        AssertSameBars([DailyBar(T0, revision: 1, extra: 1)], await Store.LoadAsync(weekly, long.MinValue, long.MaxValue));
    }

    [Fact]
    public async Task ABarSealedAsPartialIsLoadedAsPartialAndStaysSoWhenSealedAgain()
    {
        await Store.UpsertAsync(Pepe, [new SeriesBars(_daily, [DailyBar(T0), DailyBar(T0 + Day), DailyBar(T0 + (2 * Day))], new HashSet<long> { T0 + Day })]);
        var loaded = await Store.LoadAsync(_daily, long.MinValue, long.MaxValue, footprints: false);
        Assert.Equal([true, false, true], loaded.Select(loaded.IsComplete));
        Assert.Equal([T0 + Day], loaded.Partial);
        Assert.Empty((await Store.LoadAsync(_daily, T0 + (2 * Day), long.MaxValue)).Partial);

        // Sealed again, newer, by a sealer that no longer knows of the gap (the 1m history lost with Redis): still partial.
        await Store.UpsertAsync(Pepe, _daily, [DailyBar(T0 + Day, revision: 1, extra: 1)]);
        var resealed = await Store.LoadAsync(_daily, T0 + Day, T0 + (2 * Day));
        AssertSameBars([DailyBar(T0 + Day, revision: 1, extra: 1)], resealed);
        Assert.False(resealed.IsComplete(resealed[0]), "a bar sealed as partial came back complete once sealed again");

        // An older revision sealed as partial after a newer one sealed whole (two sealer activations): the newer is kept, as partial.
        await Store.UpsertAsync(Pepe, _daily, [DailyBar(T0 + (2 * Day), revision: 3, extra: 3)]);
        await Store.UpsertAsync(Pepe, [new SeriesBars(_daily, [DailyBar(T0 + (2 * Day), revision: 2)], new HashSet<long> { T0 + (2 * Day) })]);
        var kept = await Store.LoadAsync(_daily, T0 + (2 * Day), long.MaxValue);
        AssertSameBars([DailyBar(T0 + (2 * Day), revision: 3, extra: 3)], kept);
        Assert.False(kept.IsComplete(kept[0]), "a newer revision kept over an older partial one was left complete");
    }

    [Fact]
    public async Task TheInstrumentsGridsAreKeptWithItsSealedBars()
    {
        Assert.Null(await Store.FindInstrumentAsync(_daily.Instrument));
        await Store.UpsertAsync(Pepe with { Id = InstrumentId.Parse(_daily.Instrument) }, _daily, [DailyBar(T0)]);
        var found = await Store.FindInstrumentAsync(_daily.Instrument);
        Assert.Equal((Pepe.TickSize, Pepe.QuantityStep), (found!.TickSize, found.QuantityStep));
        Assert.Contains(_daily.Instrument, await Store.ListInstrumentIdsAsync());
    }

    [Fact]
    public async Task BarsOnOtherGridsThanTheStoredOnesAreRefusedAndTheStoredBarsStay()
    {
        // Redis lost the definition while PostgreSQL was down, and the instrument was defined again with a tick ten times
        // larger: its bars in those units must not land beside the ones stored, which would be read on the stored grids.
        var pepe = Pepe with { Id = InstrumentId.Parse(_daily.Instrument) };
        await Store.UpsertAsync(pepe, _daily, [DailyBar(T0)]);

        var other = pepe with { TickSize = Increment.Parse("0.0000001") };
        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.UpsertAsync(other, _daily, [DailyBar(T0 + Day, extra: 1)]));
        Assert.Contains("0.00000001", refusal.Message, StringComparison.Ordinal);

        AssertSameBars([DailyBar(T0)], await Store.LoadAsync(_daily, T0, T0 + (2 * Day)));
        Assert.Equal(pepe.TickSize, (await Store.FindInstrumentAsync(_daily.Instrument))!.TickSize);
    }

    [Fact]
    public async Task SeriesOfOtherZonesAndTimeframesAreKeptApart()
    {
        await Store.UpsertAsync(Pepe, _daily, [DailyBar(T0)]);
        Assert.Empty(await Store.LoadAsync(_daily with { Zone = "UTC" }, long.MinValue, long.MaxValue));
        Assert.Empty(await Store.LoadAsync(_daily with { Timeframe = Timeframe.Parse("1w") }, long.MinValue, long.MaxValue));
    }
}
