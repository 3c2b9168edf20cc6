using Candles.Core.Bars;
using Candles.Core.Ticks;
using Candles.Core.Timeframes;

namespace Candles.Abstractions.Serialization;

// Candles.Core knows nothing of Orleans; these surrogates carry its immutable types across the wire.
// Field ids are part of the wire format: never renumber them.

[GenerateSerializer, Immutable, Alias("candles.Tick")]
public readonly record struct TickSurrogate(
    [property: Id(0)] long TradeId,
    [property: Id(1)] long TimeUs,
    [property: Id(2)] long Price,
    [property: Id(3)] long Quantity,
    [property: Id(4)] AggressorSide Side);

[RegisterConverter]
public sealed class TickConverter : IConverter<Tick, TickSurrogate>
{
    public Tick ConvertFromSurrogate(in TickSurrogate s) => new(s.TradeId, s.TimeUs, s.Price, s.Quantity, s.Side);

    public TickSurrogate ConvertToSurrogate(in Tick t) => new(t.TradeId, t.TimeUs, t.Price, t.Quantity, t.Side);
}

[GenerateSerializer, Immutable, Alias("candles.BarPeriod")]
public readonly record struct BarPeriodSurrogate([property: Id(0)] long StartMs, [property: Id(1)] long EndMs);

[RegisterConverter]
public sealed class BarPeriodConverter : IConverter<BarPeriod, BarPeriodSurrogate>
{
    public BarPeriod ConvertFromSurrogate(in BarPeriodSurrogate s) => new(s.StartMs, s.EndMs);

    public BarPeriodSurrogate ConvertToSurrogate(in BarPeriod p) => new(p.StartMs, p.EndMs);
}

[GenerateSerializer, Immutable, Alias("candles.PriceLevel")]
public readonly record struct PriceLevelSurrogate(
    [property: Id(0)] long Price,
    [property: Id(1)] Int128 BuyVolume,
    [property: Id(2)] Int128 SellVolume,
    [property: Id(3)] long Trades);

[RegisterConverter]
public sealed class PriceLevelConverter : IConverter<PriceLevel, PriceLevelSurrogate>
{
    public PriceLevel ConvertFromSurrogate(in PriceLevelSurrogate s) => new(s.Price, s.BuyVolume, s.SellVolume, s.Trades);

    public PriceLevelSurrogate ConvertToSurrogate(in PriceLevel l) => new(l.Price, l.BuyVolume, l.SellVolume, l.Trades);
}

[GenerateSerializer, Immutable, Alias("candles.Candle")]
public readonly record struct CandleSurrogate(
    [property: Id(0)] BarPeriod Period,
    [property: Id(1)] long Open,
    [property: Id(2)] long High,
    [property: Id(3)] long Low,
    [property: Id(4)] long Close,
    [property: Id(5)] Int128 BuyVolume,
    [property: Id(6)] Int128 SellVolume,
    [property: Id(7)] Int128 QuoteVolume,
    [property: Id(8)] long Trades,
    [property: Id(9)] long FirstTradeId,
    [property: Id(10)] long FirstTradeTimeUs,
    [property: Id(11)] long LastTradeId,
    [property: Id(12)] long LastTradeTimeUs,
    [property: Id(13)] int Revision);

[RegisterConverter]
public sealed class CandleConverter : IConverter<Candle, CandleSurrogate>
{
    public Candle ConvertFromSurrogate(in CandleSurrogate s) => new(
        s.Period, s.Open, s.High, s.Low, s.Close, s.BuyVolume, s.SellVolume, s.QuoteVolume, s.Trades,
        s.FirstTradeId, s.FirstTradeTimeUs, s.LastTradeId, s.LastTradeTimeUs, s.Revision);

    public CandleSurrogate ConvertToSurrogate(in Candle c) => new(
        c.Period, c.Open, c.High, c.Low, c.Close, c.BuyVolume, c.SellVolume, c.QuoteVolume, c.Trades,
        c.FirstTradeId, c.FirstTradeTimeUs, c.LastTradeId, c.LastTradeTimeUs, c.Revision);
}

[GenerateSerializer, Immutable, Alias("candles.Footprint")]
public readonly record struct FootprintSurrogate([property: Id(0)] PriceLevel[] Levels, [property: Id(1)] long StepTicks);

[RegisterConverter]
public sealed class FootprintConverter : IConverter<Footprint, FootprintSurrogate>
{
    public Footprint ConvertFromSurrogate(in FootprintSurrogate s) => Footprint.Create(s.Levels ?? [], s.StepTicks);

    public FootprintSurrogate ConvertToSurrogate(in Footprint f) => new([.. f.Levels], f.StepTicks);
}

[GenerateSerializer, Immutable, Alias("candles.Bar")]
public readonly record struct BarSurrogate([property: Id(0)] Candle Candle, [property: Id(1)] Footprint Footprint);

[RegisterConverter]
public sealed class BarConverter : IConverter<Bar, BarSurrogate>
{
    public Bar ConvertFromSurrogate(in BarSurrogate s) => new(s.Candle, s.Footprint);

    public BarSurrogate ConvertToSurrogate(in Bar b) => new(b.Candle, b.Footprint);
}
