namespace Candles.Host.Aggregation;

/// <summary>Which table the aggregate verb writes.</summary>
public enum AggregateOutput
{
    /// <summary>One row per bar: OHLCV, buy/sell/quote volume, trades, first and last trade id.</summary>
    Candles,

    /// <summary>One row per bar and traded price level: buy and sell volume, trades.</summary>
    Footprint,

    /// <summary>One row per bar: point of control, value area high and low, delta, volume.</summary>
    Profile,
}
