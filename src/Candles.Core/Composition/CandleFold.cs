using Candles.Core.Bars;
using Candles.Core.Timeframes;

namespace Candles.Core.Composition;

/// <summary>
/// A timeframe's closed candles kept current as 1m bars close, instead of composed anew from the whole history: each
/// minute closed after the last one folded extends the last candle or starts the next, and a retention cut drops the
/// candles before it. The result equals <see cref="BarComposer.Compose"/> of the minutes folded (and still retained),
/// without footprints.
/// </summary>
public static class CandleFold
{
    /// <summary>
    /// <paramref name="candles"/> (closed, composed on <paramref name="schedule"/>, ascending) with the closed 1m
    /// <paramref name="minutes"/> folded in, and the last minute folded. Minutes at or before
    /// <paramref name="throughMs"/> (the last minute already folded) are held already and passed over. Null when a
    /// minute falls before the last candle's end without belonging to it: the candles must be composed anew.
    /// </summary>
    /// <param name="candles">The closed candles, not changed (a new list is returned, so a reader of the old one is safe).</param>
    /// <param name="throughMs">The open time of the last minute folded into <paramref name="candles"/>.</param>
    /// <param name="minutes">Closed 1m bars, in any order.</param>
    /// <param name="schedule">The timeframe's schedule.</param>
    public static (List<Bar> Candles, long ThroughMs)? Append(IReadOnlyList<Bar> candles, long throughMs, IEnumerable<Bar> minutes, BarSchedule schedule)
    {
        List<Bar> folded = [.. candles];
        foreach (var minute in minutes.OrderBy(m => m.Candle.OpenTimeMs))
        {
            if (minute.Candle.OpenTimeMs <= throughMs)
            {
                // Held already: the candles were composed after this minute closed, or it came twice.
                continue;
            }

            var last = folded.Count > 0 ? folded[^1] : null;
            if (last is not null && last.Candle.Period.Contains(minute.Candle.OpenTimeMs))
            {
                folded[^1] = BarComposer.Compose([last, minute], schedule, footprintStepTicks: null)[0];
            }
            else if (last is null || last.Candle.Period.EndMs <= minute.Candle.OpenTimeMs)
            {
                folded.Add(BarComposer.Compose([minute], schedule, footprintStepTicks: null)[0]);
            }
            else
            {
                return null;
            }

            throughMs = minute.Candle.OpenTimeMs;
        }

        return (folded, throughMs);
    }

    /// <summary>
    /// Drops the candles that end at or before <paramref name="retainedFromMs"/>, the oldest minute still retained.
    /// Returns the end of the first candle left when it opens before that minute: it lost minutes and must be composed
    /// anew from the minutes retained before that end (<see cref="ReplaceHead"/>); null when no candle lost any.
    /// </summary>
    public static long? Cut(List<Bar> candles, long retainedFromMs)
    {
        var kept = candles.FindIndex(c => c.Candle.Period.EndMs > retainedFromMs);
        candles.RemoveRange(0, kept >= 0 ? kept : candles.Count);
        return candles.Count > 0 && candles[0].Candle.OpenTimeMs < retainedFromMs ? candles[0].Candle.Period.EndMs : null;
    }

    /// <summary>
    /// The first candle after a <see cref="Cut"/>, composed anew from <paramref name="retainedMinutes"/>: the closed
    /// minutes still retained in its period, up to the last one folded. When none is left, the candle goes.
    /// </summary>
    public static void ReplaceHead(List<Bar> candles, IEnumerable<Bar> retainedMinutes, BarSchedule schedule)
    {
        var recomposed = BarComposer.Compose(retainedMinutes, schedule, footprintStepTicks: null);
        if (recomposed.Count > 0 && recomposed[0].Candle.OpenTimeMs == candles[0].Candle.OpenTimeMs)
        {
            candles[0] = recomposed[0];
        }
        else
        {
            candles.RemoveAt(0);
        }
    }
}
