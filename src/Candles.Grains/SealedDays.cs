using Candles.Abstractions.Wire;
using Candles.Core.Bars;
using Candles.Core.Composition;
using Candles.Core.Timeframes;
using Candles.Storage.Sealed;
using Microsoft.Extensions.Logging;

namespace Candles.Grains;

/// <summary>
/// The sealed days a day-or-longer timeframe is composed from, where the 1m history no longer reaches or a day is
/// sealed: read from the sealed-bar store and merged with the days the retained minutes give.
/// </summary>
internal sealed partial class SealedDays(ISealedBarStore store, string instrument, Timeframe timeframe, string zone, string timeframeKey, ILogger logger)
{
    private readonly SealedSeries _series = new(instrument, Timeframe.Parse("1d"), zone);
    private readonly BarSchedule _day = BarSchedule.DaysIn(zone);

    /// <summary>The timeframe's own sealed series, when it is one (a week or a month): read for the bars sealed as partial.</summary>
    private readonly SealedSeries? _own = timeframe.Name is "1w" or "1M" ? new(instrument, timeframe, zone) : null;

    /// <summary>
    /// The sealed days in [fromMs, toMs), with the periods sealed as partial; the sealed-bar store unreachable (PostgreSQL
    /// down) is a retryable 503, not a 500.
    /// </summary>
    public async Task<SealedPeriods> LoadAsync(long fromMs, long toMs, bool footprints)
    {
        try
        {
            var days = await store.LoadAsync(_series, fromMs, toMs, footprints);
            List<BarPeriod> partial = [.. days.Where(d => !days.IsComplete(d)).Select(d => d.Candle.Period)];
            if (_own is not null)
            {
                // A week or month sealed as partial for a day of it that was never sealed (lost before its sealer saw it):
                // no sealed day says so.
                var own = await store.LoadAsync(_own, fromMs, toMs, footprints: false);
                partial.AddRange(own.Where(b => !own.IsComplete(b)).Select(b => b.Candle.Period));
            }

            return new SealedPeriods(days, partial);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogSealedUnavailable(logger, ex, timeframeKey);
            throw new InstrumentUnavailableException($"the sealed bars of {timeframeKey} cannot be read now; retry");
        }
    }

    /// <summary>
    /// Each day once: the sealed day, unless the 1m bars give a newer revision of it (a correction not sealed
    /// yet) or it is not sealed at all. A day the 1m retention has cut short is never preferred to a sealed one.
    /// </summary>
    public List<Bar> Merge(IReadOnlyList<Bar> sealedDays, BarsPage minutes, bool footprints)
    {
        var days = sealedDays.ToDictionary(d => d.Candle.OpenTimeMs);
        foreach (var day in BarComposer.Compose(minutes.Bars, _day, footprints ? 1 : null))
        {
            var whole = day.Candle.OpenTimeMs >= minutes.RetainedFromMs;
            if (!days.TryGetValue(day.Candle.OpenTimeMs, out var sealedDay) || (whole && day.Candle.Revision > sealedDay.Candle.Revision))
            {
                days[day.Candle.OpenTimeMs] = day;
            }
        }

        return [.. days.Values.OrderBy(d => d.Candle.OpenTimeMs)];
    }

    /// <summary>Bars opening before this may be partial: before the 1m retention and not from a sealed day.</summary>
    public static long RetainedFromMs(BarsPage minutes, IReadOnlyList<Bar> sealedDays) =>
        sealedDays.Count == 0 ? minutes.RetainedFromMs : Math.Min(minutes.RetainedFromMs, sealedDays[0].Candle.OpenTimeMs);

    /// <summary>
    /// Where bars composed from the minutes and these sealed periods may miss trades: the minutes' own spans, every
    /// period sealed as partial (what said so in the 1m history may have been lost since, with Redis), all of them, and
    /// the minutes the retention dropped from where the zone's sealer has got to (<paramref name="sealedThroughMs"/>):
    /// neither store holds those (a sealer behind a fast replay has not sealed them, nor yet marked them).
    /// </summary>
    public static IncompleteSpans? Incomplete(BarsPage minutes, SealedPeriods sealedPeriods, long sealedThroughMs)
    {
        var spans = sealedPeriods.Partial.Count == 0
            ? minutes.Incomplete
            : (minutes.Incomplete ?? IncompleteSpans.None).WithPeriods(sealedPeriods.Partial.Select(p => (p.StartMs, p.EndMs)));
        return sealedThroughMs > long.MinValue && minutes.TrimmedThroughMs is { } trimmedMs && trimmedMs >= sealedThroughMs
            ? (spans ?? IncompleteSpans.None).WithPeriods([(sealedThroughMs, trimmedMs + Timeframe.OneMinute.LengthMs)])
            : spans;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the sealed days of {Timeframe}")]
    private static partial void LogSealedUnavailable(ILogger logger, Exception exception, string timeframe);
}

/// <summary>Sealed days, and the periods sealed as partial: those days and, for a week or month, its own sealed bars so sealed.</summary>
internal sealed record SealedPeriods(SealedBars Days, IReadOnlyList<BarPeriod> Partial)
{
    public static SealedPeriods None { get; } = new(SealedBars.None, []);
}
