namespace Candles.Core.Timeframes;

/// <summary>The unit of a timeframe: minutes and hours are intraday, the rest are calendar bars.</summary>
public enum TimeframeUnit : byte
{
    Minute,
    Hour,
    Day,
    Week,
    Month,
}
