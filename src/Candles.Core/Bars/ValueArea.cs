namespace Candles.Core.Bars;

/// <summary>The price range, in ticks, around the point of control that holds the value-area share of a bar's volume.</summary>
public readonly record struct ValueArea(long High, long Low);
