using NodaTime;

namespace Candles.Core.Timeframes;

/// <summary>
/// Fixed-length bars restarting at every UTC midnight: bar i of a day starts at midnight + i × length,
/// and when the length does not divide the day the last bar is cut at midnight (7m: 23:55-24:00).
/// </summary>
public sealed class IntradaySchedule : BarSchedule
{
    private readonly long _lengthMs;

    public IntradaySchedule(Timeframe timeframe)
        : base(timeframe, DateTimeZone.Utc) => _lengthMs = timeframe.LengthMs;

    public override BarPeriod PeriodOf(long timeMs)
    {
        var dayStart = Math.DivRem(timeMs, Timeframe.DayMs, out var intoDay) * Timeframe.DayMs;
        if (intoDay < 0)
        {
            dayStart -= Timeframe.DayMs;
            intoDay += Timeframe.DayMs;
        }

        var start = dayStart + (intoDay / _lengthMs * _lengthMs);
        return new BarPeriod(start, Math.Min(start + _lengthMs, dayStart + Timeframe.DayMs));
    }
}
