namespace Candles.Core.Bars;

/// <summary>A candle together with its footprint.</summary>
public sealed record Bar(Candle Candle, Footprint Footprint);
