using NodaTime;

namespace Candles.Core.Timeframes;

/// <summary>
/// Day, week (from Monday) and month (from the 1st) bars starting at local midnight in a time zone.
/// A period starts at the first instant of its first local day, so across a daylight-saving change a day
/// lasts 23 or 25 hours, and where midnight itself is skipped the day starts when the clock jumps.
/// </summary>
public sealed class CalendarSchedule : BarSchedule
{
    public CalendarSchedule(Timeframe timeframe, DateTimeZone zone)
        : base(timeframe, zone)
    {
        if (timeframe.IsIntraday)
        {
            throw new ArgumentException($"{timeframe} is not a calendar timeframe", nameof(timeframe));
        }
    }

    public override BarPeriod PeriodOf(long timeMs)
    {
        var localDate = Instant.FromUnixTimeMilliseconds(timeMs).InZone(Zone).Date;
        var first = FirstDay(localDate);
        return new BarPeriod(StartOf(first), StartOf(NextFirstDay(first)));
    }

    /// <summary>The first local day of the period holding <paramref name="date"/>.</summary>
    private LocalDate FirstDay(LocalDate date) => Timeframe.Unit switch
    {
        TimeframeUnit.Day => date,
        TimeframeUnit.Week => StartOfWeek(date),
        _ => StartOfMonth(date),
    };

    private LocalDate NextFirstDay(LocalDate first) => Timeframe.Unit switch
    {
        TimeframeUnit.Day => first.PlusDays(1),
        TimeframeUnit.Week => first.PlusWeeks(1),
        _ => first.PlusMonths(1),
    };

    /// <summary>
    /// Midnight, or where the clock jumped over it, the first instant after the jump. A day the zone skipped whole
    /// (Samoa's 2011-12-30) so starts when the next one does: it has no bar, and the day before ends at the jump.
    /// </summary>
    private long StartOf(LocalDate date)
    {
        var midnight = Zone.MapLocal(date.AtMidnight());
        return (midnight.Count > 0 ? midnight.First().ToInstant() : midnight.LateInterval.Start).ToUnixTimeMilliseconds();
    }

    /// <summary>Weeks start on Monday (ISO 8601).</summary>
    private static LocalDate StartOfWeek(LocalDate date) => date.PlusDays(-((int)date.DayOfWeek - (int)IsoDayOfWeek.Monday));

    private static LocalDate StartOfMonth(LocalDate date) => new(date.Year, date.Month, 1);
}
