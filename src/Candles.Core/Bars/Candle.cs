using Candles.Core.Timeframes;

namespace Candles.Core.Bars;

/// <summary>
/// One bar's OHLCV over its half-open <see cref="Period"/>. Prices are in ticks, volumes in quantity steps,
/// quote volume in tick × step units. Open and close are the first and last trade by (event time, trade id);
/// <see cref="FirstTradeId"/> and <see cref="LastTradeId"/> are those two trades. <see cref="Revision"/> is 0
/// for a bar as it closed and goes up each time a late trade amends it.
/// </summary>
public sealed record Candle(
    BarPeriod Period,
    long Open,
    long High,
    long Low,
    long Close,
    Volume BuyVolume,
    Volume SellVolume,
    Volume QuoteVolume,
    long Trades,
    long FirstTradeId,
    long FirstTradeTimeUs,
    long LastTradeId,
    long LastTradeTimeUs,
    int Revision)
{
    /// <summary>The bar's identity: the start of its period, Unix milliseconds.</summary>
    public long OpenTimeMs => Period.StartMs;

    public Volume Volume => BuyVolume + SellVolume;

    /// <summary>Buy volume minus sell volume.</summary>
    public Volume Delta => BuyVolume - SellVolume;
}
