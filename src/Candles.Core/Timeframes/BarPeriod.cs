namespace Candles.Core.Timeframes;

/// <summary>The half-open interval <c>[StartMs, EndMs)</c> of one bar, in Unix milliseconds; <c>StartMs</c> identifies the bar.</summary>
public readonly record struct BarPeriod(long StartMs, long EndMs)
{
    public bool Contains(long timeMs) => timeMs >= StartMs && timeMs < EndMs;
}
