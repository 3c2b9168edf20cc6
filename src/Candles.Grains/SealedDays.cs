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
internal sealed partial class SealedDays(ISealedBarStore store, string instrument, string zone, string timeframeKey, ILogger logger)
{
    private readonly SealedSeries _series = new(instrument, Timeframe.Parse("1d"), zone);
    private readonly BarSchedule _day = BarSchedule.For(Timeframe.Parse("1d"), TimeZones.Find(zone));

    /// <summary>The sealed days in [fromMs, toMs); the sealed-bar store unreachable (PostgreSQL down) is a retryable 503, not a 500.</summary>
    public async Task<IReadOnlyList<Bar>> LoadAsync(long fromMs, long toMs, bool footprints)
    {
        try
        {
            return await store.LoadAsync(_series, fromMs, toMs, footprints);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the sealed days of {Timeframe}")]
    private static partial void LogSealedUnavailable(ILogger logger, Exception exception, string timeframe);
}
