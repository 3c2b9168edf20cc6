using System.Text.Json;
using System.Text.Json.Serialization;
using Candles.Abstractions.Wire;
using Candles.Core.Bars;
using Candles.Core.Composition;
using Candles.Core.Instruments;

namespace Candles.Gateway.Json;

/// <summary>
/// A candle on the wire: decimals as strings exactly as traded, times as Unix milliseconds. <c>closed</c>: the
/// watermark passed its end; <c>complete</c>: false when its trades may be partial.
/// </summary>
public record CandleJson(
    [property: JsonPropertyName("t"), JsonPropertyOrder(-2)] long T,
    [property: JsonPropertyName("o"), JsonPropertyOrder(-2)] string O,
    [property: JsonPropertyName("h"), JsonPropertyOrder(-2)] string H,
    [property: JsonPropertyName("l"), JsonPropertyOrder(-2)] string L,
    [property: JsonPropertyName("c"), JsonPropertyOrder(-2)] string C,
    [property: JsonPropertyName("v"), JsonPropertyOrder(-2)] string V,
    [property: JsonPropertyName("bv"), JsonPropertyOrder(-2)] string Bv,
    [property: JsonPropertyName("sv"), JsonPropertyOrder(-2)] string Sv,
    [property: JsonPropertyName("qv"), JsonPropertyOrder(-2)] string Qv,
    [property: JsonPropertyName("n"), JsonPropertyOrder(-2)] long N,
    [property: JsonPropertyName("closed"), JsonPropertyOrder(-2)] bool Closed,
    [property: JsonPropertyName("rev"), JsonPropertyOrder(-2)] int Rev,
    [property: JsonPropertyName("complete"), JsonPropertyOrder(-2)] bool Complete)
{
    public static CandleJson From(Bar bar, BarsPage page, Instrument instrument) => From(bar, page.IsClosed(bar), page.IsComplete(bar), instrument);

    public static CandleJson From(Bar bar, bool closed, bool complete, Instrument instrument)
    {
        var c = bar.Candle;
        return new(
            c.OpenTimeMs, instrument.FormatPrice(c.Open), instrument.FormatPrice(c.High), instrument.FormatPrice(c.Low),
            instrument.FormatPrice(c.Close), instrument.FormatQuantity(c.Volume), instrument.FormatQuantity(c.BuyVolume),
            instrument.FormatQuantity(c.SellVolume), instrument.FormatQuoteVolume(c.QuoteVolume), c.Trades, closed, c.Revision, complete);
    }
}

public sealed record LevelJson(
    [property: JsonPropertyName("p")] string P,
    [property: JsonPropertyName("bv")] string Bv,
    [property: JsonPropertyName("sv")] string Sv,
    [property: JsonPropertyName("n")] long N);

/// <summary>
/// A footprint bar: the candle's fields at the top level (not nested), its levels on the requested grid, delta,
/// point of control and value area.
/// </summary>
public sealed record FootprintJson : CandleJson
{
    private FootprintJson(CandleJson candle)
        : base(candle)
    {
    }

    [JsonPropertyName("levels")]
    public required IReadOnlyList<LevelJson> Levels { get; init; }

    [JsonPropertyName("delta")]
    public required string Delta { get; init; }

    [JsonPropertyName("poc")]
    public string? Poc { get; init; }

    [JsonPropertyName("vah")]
    public string? Vah { get; init; }

    [JsonPropertyName("val")]
    public string? Val { get; init; }

    public static new FootprintJson From(Bar bar, BarsPage page, Instrument instrument) => From(bar, page.IsClosed(bar), page.IsComplete(bar), instrument);

    public static new FootprintJson From(Bar bar, bool closed, bool complete, Instrument instrument)
    {
        var footprint = bar.Footprint;
        var area = footprint.ValueArea();
        return new(CandleJson.From(bar, closed, complete, instrument))
        {
            Levels = [.. footprint.Levels.Select(l => new LevelJson(instrument.FormatPrice(l.Price), instrument.FormatQuantity(l.BuyVolume), instrument.FormatQuantity(l.SellVolume), l.Trades))],
            Delta = instrument.FormatQuantity(footprint.Delta),
            Poc = footprint.PointOfControl is { } poc ? instrument.FormatPrice(poc.Price) : null,
            Vah = area is { } a ? instrument.FormatPrice(a.High) : null,
            Val = area is { } b ? instrument.FormatPrice(b.Low) : null,
        };
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
    [property: JsonPropertyName("cells")] IReadOnlyList<HeatmapCellJson> Cells)
{
    public static HeatmapResponse From(Heatmap heatmap, Instrument instrument, string tf, string tz, string step) => new(
        instrument.Id.Value, tf, tz, step, heatmap.Times, [.. heatmap.Prices.Select(instrument.FormatPrice)],
        [.. heatmap.Cells.Select(c => new HeatmapCellJson(c.TimeIndex, c.PriceIndex, instrument.FormatQuantity(c.BuyVolume), instrument.FormatQuantity(c.SellVolume)))]);
}

/// <summary>One heatmap cell, written as the array <c>[timeIndex, priceIndex, "buy", "sell"]</c> without boxing its numbers.</summary>
[JsonConverter(typeof(HeatmapCellJsonConverter))]
public readonly record struct HeatmapCellJson(int TimeIndex, int PriceIndex, string Buy, string Sell);

public sealed class HeatmapCellJsonConverter : JsonConverter<HeatmapCellJson>
{
    public override HeatmapCellJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("heatmap cells are only written");

    public override void Write(Utf8JsonWriter writer, HeatmapCellJson value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        writer.WriteNumberValue(value.TimeIndex);
        writer.WriteNumberValue(value.PriceIndex);
        writer.WriteStringValue(value.Buy);
        writer.WriteStringValue(value.Sell);
        writer.WriteEndArray();
    }
}

public sealed record InstrumentJson(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("tickSize")] string TickSize,
    [property: JsonPropertyName("qtyStep")] string QtyStep,
    [property: JsonPropertyName("firstBar")] long? FirstBar,
    [property: JsonPropertyName("lastBar")] long? LastBar);

/// <summary>An instrument as its definition was stored (the answer to a PUT).</summary>
public sealed record DefinedInstrumentJson(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("tickSize")] string TickSize,
    [property: JsonPropertyName("qtyStep")] string QtyStep);

public sealed record InstrumentDefinitionJson(
    [property: JsonPropertyName("tickSize")] string? TickSize,
    [property: JsonPropertyName("qtyStep")] string? QtyStep);

public sealed record TickJson(
    [property: JsonPropertyName("id")] long? Id,
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
    [property: JsonPropertyName("tooOld")] int TooOld,
    [property: JsonPropertyName("outOfBounds")] int OutOfBounds = 0)
{
    public static IngestReportJson From(IngestReport r) => new(r.Received, r.Applied, r.Amended, r.Duplicates, r.TooOld, r.OutOfBounds);
}
