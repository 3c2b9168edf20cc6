using System.Text.Json.Serialization;
using Candles.Abstractions.Wire;
using Candles.Core.Bars;
using Candles.Core.Composition;
using Candles.Core.Instruments;

namespace Candles.Gateway.Json;

/// <summary>A candle on the wire: decimals as strings exactly as traded, times as Unix milliseconds.</summary>
public record CandleJson(
    [property: JsonPropertyName("t")] long T,
    [property: JsonPropertyName("o")] string O,
    [property: JsonPropertyName("h")] string H,
    [property: JsonPropertyName("l")] string L,
    [property: JsonPropertyName("c")] string C,
    [property: JsonPropertyName("v")] string V,
    [property: JsonPropertyName("bv")] string Bv,
    [property: JsonPropertyName("sv")] string Sv,
    [property: JsonPropertyName("qv")] string Qv,
    [property: JsonPropertyName("n")] long N,
    [property: JsonPropertyName("closed")] bool Closed,
    [property: JsonPropertyName("rev")] int Rev)
{
    public static CandleJson From(Bar bar, BarsPage page, Instrument instrument)
    {
        var c = bar.Candle;
        return new(
            c.OpenTimeMs, instrument.FormatPrice(c.Open), instrument.FormatPrice(c.High), instrument.FormatPrice(c.Low),
            instrument.FormatPrice(c.Close), instrument.FormatQuantity(c.Volume), instrument.FormatQuantity(c.BuyVolume),
            instrument.FormatQuantity(c.SellVolume), instrument.FormatQuoteVolume(c.QuoteVolume), c.Trades, page.IsClosed(bar), c.Revision);
    }
}

public sealed record LevelJson(
    [property: JsonPropertyName("p")] string P,
    [property: JsonPropertyName("bv")] string Bv,
    [property: JsonPropertyName("sv")] string Sv,
    [property: JsonPropertyName("n")] long N);

/// <summary>A footprint bar: the candle, its levels on the requested grid, delta, point of control and value area.</summary>
public sealed record FootprintJson(
    [property: JsonPropertyName("candle")] CandleJson Candle,
    [property: JsonPropertyName("levels")] IReadOnlyList<LevelJson> Levels,
    [property: JsonPropertyName("delta")] string Delta,
    [property: JsonPropertyName("poc")] string? Poc,
    [property: JsonPropertyName("vah")] string? Vah,
    [property: JsonPropertyName("val")] string? Val)
{
    public static FootprintJson From(Bar bar, BarsPage page, Instrument instrument)
    {
        var footprint = bar.Footprint;
        var area = footprint.ValueArea();
        return new(
            CandleJson.From(bar, page, instrument),
            [.. footprint.Levels.Select(l => new LevelJson(instrument.FormatPrice(l.Price), instrument.FormatQuantity(l.BuyVolume), instrument.FormatQuantity(l.SellVolume), l.Trades))],
            instrument.FormatQuantity(footprint.Delta),
            footprint.PointOfControl is { } poc ? instrument.FormatPrice(poc.Price) : null,
            area is { } a ? instrument.FormatPrice(a.High) : null,
            area is { } b ? instrument.FormatPrice(b.Low) : null);
    }
}

public sealed record CandlesResponse(
    [property: JsonPropertyName("instrument")] string Instrument,
    [property: JsonPropertyName("tf")] string Tf,
    [property: JsonPropertyName("tz")] string Tz,
    [property: JsonPropertyName("candles")] IReadOnlyList<CandleJson> Candles);

public sealed record FootprintResponse(
    [property: JsonPropertyName("instrument")] string Instrument,
    [property: JsonPropertyName("tf")] string Tf,
    [property: JsonPropertyName("tz")] string Tz,
    [property: JsonPropertyName("step")] string Step,
    [property: JsonPropertyName("bars")] IReadOnlyList<FootprintJson> Bars);

/// <summary>The heatmap matrix: cells are <c>[timeIndex, priceIndex, "buy", "sell"]</c>.</summary>
public sealed record HeatmapResponse(
    [property: JsonPropertyName("instrument")] string Instrument,
    [property: JsonPropertyName("tf")] string Tf,
    [property: JsonPropertyName("tz")] string Tz,
    [property: JsonPropertyName("step")] string Step,
    [property: JsonPropertyName("times")] IReadOnlyList<long> Times,
    [property: JsonPropertyName("prices")] IReadOnlyList<string> Prices,
    [property: JsonPropertyName("cells")] IReadOnlyList<object[]> Cells)
{
    public static HeatmapResponse From(Heatmap heatmap, Instrument instrument, string tf, string tz, string step) => new(
        instrument.Id.Value, tf, tz, step, heatmap.Times, [.. heatmap.Prices.Select(instrument.FormatPrice)],
        [.. heatmap.Cells.Select(c => new object[] { c.TimeIndex, c.PriceIndex, instrument.FormatQuantity(c.BuyVolume), instrument.FormatQuantity(c.SellVolume) })]);
}

public sealed record InstrumentJson(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("tickSize")] string TickSize,
    [property: JsonPropertyName("qtyStep")] string QtyStep,
    [property: JsonPropertyName("firstBar")] long? FirstBar,
    [property: JsonPropertyName("lastBar")] long? LastBar);

public sealed record InstrumentDefinitionJson(
    [property: JsonPropertyName("tickSize")] string? TickSize,
    [property: JsonPropertyName("qtyStep")] string? QtyStep);

public sealed record TickJson(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("t")] long? T,
    [property: JsonPropertyName("us")] long? Us,
    [property: JsonPropertyName("p")] string? P,
    [property: JsonPropertyName("q")] string? Q,
    [property: JsonPropertyName("side")] string? Side);

/// <summary>A batch of ticks for one instrument. <c>live</c>: from a live feed (wall clock closes bars); <c>flush</c>: close the last bar after it.</summary>
public sealed record IngestJson(
    [property: JsonPropertyName("instrument")] string? Instrument,
    [property: JsonPropertyName("live")] bool Live,
    [property: JsonPropertyName("flush")] bool Flush,
    [property: JsonPropertyName("ticks")] IReadOnlyList<TickJson>? Ticks);

public sealed record IngestReportJson(
    [property: JsonPropertyName("received")] int Received,
    [property: JsonPropertyName("applied")] int Applied,
    [property: JsonPropertyName("amended")] int Amended,
    [property: JsonPropertyName("duplicates")] int Duplicates,
    [property: JsonPropertyName("tooOld")] int TooOld)
{
    public static IngestReportJson From(IngestReport r) => new(r.Received, r.Applied, r.Amended, r.Duplicates, r.TooOld);
}
