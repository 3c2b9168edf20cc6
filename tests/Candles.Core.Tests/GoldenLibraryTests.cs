using System.Globalization;
using Candles.Core.Bars;
using Candles.Core.Building;
using Candles.Core.Composition;
using Candles.Core.Instruments;
using Candles.Core.Ticks;
using Candles.Core.Timeframes;
using Candles.Ingest.Replay;
using Candles.Testing;
using NodaTime;

namespace Candles.Core.Tests;

/// <summary>The golden tape through the library alone (reader, builder, composer) equals the SQL oracle's files.</summary>
public class GoldenLibraryTests
{
    private static readonly Instrument Btc = new(InstrumentId.Parse("BINANCE:BTCUSDT"), Increment.Parse(GoldenFiles.TickSize), Increment.Parse(GoldenFiles.QuantityStep));
    private static readonly Lazy<IReadOnlyList<Bar>> MinuteBars = new(BuildMinuteBars);

    public static TheoryDataOf Cases => GoldenCase.All();

    [Theory]
    [MemberData(nameof(Cases))]
    public void GoldenFileEqualsLibraryOutput(string fileName)
    {
        var golden = GoldenCase.Parse(fileName);
        var schedule = BarSchedule.For(Timeframe.Parse(golden.Timeframe), TimeZones.Find(golden.Zone));
        long stepTicks = 1;
        if (golden.Step is not null)
        {
            Assert.True(Btc.TryParsePriceStep(golden.Step, out stepTicks, out _));
        }

        var bars = BarComposer.Compose(MinuteBars.Value, schedule, golden.Kind == "candles" ? null : stepTicks);
        var rows = golden.Kind switch
        {
            "candles" => bars.Select(b => CandleRow(b.Candle)),
            "footprint" => bars.SelectMany(b => b.Footprint.Levels.Select(l => FootprintRow(b.Candle.OpenTimeMs, l))),
            _ => bars.Select(ProfileRow),
        };
        var expected = File.ReadAllLines(GoldenFiles.PathOf(fileName));
        CsvAssert.Equal(expected, [expected[0], .. rows], fileName);
    }

    /// <summary>The golden tape's 1m bars, built once per test run (old footprints packed, as the service holds them).</summary>
    internal static IReadOnlyList<Bar> GoldenMinutes() => MinuteBars.Value;

    /// <summary>The golden tape's ticks in file order.</summary>
    internal static List<Tick> GoldenTicks()
    {
        using var reader = BinanceTradeCsvReader.Open(GoldenFiles.Tape, Btc);
        List<Tick> ticks = [];
        while (reader.TryRead(out var tick))
        {
            ticks.Add(tick);
        }

        Assert.Null(reader.Error);
        return ticks;
    }

    private static IReadOnlyList<Bar> BuildMinuteBars()
    {
        var builder = new BarBuilder(BarSchedule.For(Timeframe.OneMinute, DateTimeZone.Utc), new BarBuilderOptions { Retention = null });
        foreach (var tick in GoldenTicks())
        {
            builder.Update(tick);
        }

        builder.Flush();
        return builder.ClosedBars;
    }

    private static string CandleRow(Candle c) => string.Join(
        ',',
        Num(c.OpenTimeMs), Btc.FormatPrice(c.Open), Btc.FormatPrice(c.High), Btc.FormatPrice(c.Low), Btc.FormatPrice(c.Close),
        Btc.FormatQuantity(c.Volume), Btc.FormatQuantity(c.BuyVolume), Btc.FormatQuantity(c.SellVolume),
        Btc.FormatQuoteVolume(c.QuoteVolume), Num(c.Trades), Num(c.FirstTradeId), Num(c.LastTradeId));

    private static string FootprintRow(long openTime, PriceLevel level) => string.Join(
        ',', Num(openTime), Btc.FormatPrice(level.Price), Btc.FormatQuantity(level.BuyVolume), Btc.FormatQuantity(level.SellVolume), Num(level.Trades));

    private static string ProfileRow(Bar bar)
    {
        var area = bar.Footprint.ValueArea()!.Value;
        return string.Join(
            ',', Num(bar.Candle.OpenTimeMs), Btc.FormatPrice(bar.Footprint.PointOfControl!.Value.Price), Btc.FormatPrice(area.High),
            Btc.FormatPrice(area.Low), Btc.FormatQuantity(bar.Footprint.Delta), Btc.FormatQuantity(bar.Footprint.Volume));
    }

    private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);
}
