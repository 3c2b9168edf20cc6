using NodaTime;

namespace Candles.Core.Timeframes;

/// <summary>Maps an instant to the bar period that holds it, for one timeframe (and zone, for calendar bars).</summary>
public abstract class BarSchedule
{
    protected BarSchedule(Timeframe timeframe, DateTimeZone zone)
    {
        Timeframe = timeframe;
        Zone = zone;
    }

    public Timeframe Timeframe { get; }

    /// <summary>The zone the bars are cut in: always UTC for intraday timeframes.</summary>
    public DateTimeZone Zone { get; }

    /// <summary>
    /// The schedule for a timeframe. Intraday timeframes are anchored to the UTC day whatever the zone;
    /// calendar timeframes start at local midnight in <paramref name="zone"/>.
    /// </summary>
    public static BarSchedule For(Timeframe timeframe, DateTimeZone zone) =>
        timeframe.IsIntraday ? new IntradaySchedule(timeframe) : new CalendarSchedule(timeframe, zone);

    /// <summary>The days of a zone (the tz database id), from local midnight to local midnight.</summary>
    public static BarSchedule DaysIn(string zone) => For(Timeframe.Parse("1d"), TimeZones.Find(zone));

    /// <summary>The period <c>[start, end)</c> holding <paramref name="timeMs"/>.</summary>
    public abstract BarPeriod PeriodOf(long timeMs);

    /// <summary>The period holding <paramref name="timeUs"/> (Unix microseconds, before 1970 included).</summary>
    public BarPeriod PeriodOfUs(long timeUs) => PeriodOf(Math.DivRem(timeUs, 1000, out var rest) - (rest < 0 ? 1 : 0));
}
