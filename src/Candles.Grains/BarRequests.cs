using Candles.Abstractions.Grains;
using Candles.Abstractions.Wire;
using Candles.Core.Bars;
using Candles.Core.Composition;
using Candles.Core.Timeframes;

namespace Candles.Grains;

/// <summary>
/// A timeframe's requests the candle cache does not answer: bars with footprints, composed for each request from only
/// the periods its limit can fill, and the answer from the 1m history alone when the sealed days cannot be read.
/// </summary>
internal sealed class BarRequests(ISymbolGrain symbol, BarSchedule schedule, SealedDays? sealedDays)
{
    /// <summary>Bars with footprints: composed from 1m (and sealed days, as far as <paramref name="sealedThroughMs"/>) for every request.</summary>
    public async Task<BarsPage> FootprintsAsync(BarsQuery query, long sealedThroughMs) => (await FootprintsAtStateAsync(query, sealedThroughMs, withState: false)).Page;

    /// <summary>
    /// Bars with footprints, and with <paramref name="withState"/> the instrument's live state read in the same turn as
    /// the minutes they are composed from: what a snapshot holds, exactly as of that state.
    /// </summary>
    public async Task<(BarsPage Page, LiveState? State)> FootprintsAtStateAsync(BarsQuery query, long sealedThroughMs, bool withState)
    {
        var (from, until) = (TailStart(query, await LastOpenTimeAsync(query)), HeadEnd(query));
        var read = await PageAsync(query, from, until, sealedThroughMs, withState);
        var windowCut = query.HasStart ? until < query.ToMs : from != long.MinValue;
        if (read.Page.Bars.Count < query.Limit && windowCut)
        {
            // Quiet periods left the window short of the limit: take everything retained instead.
            read = await PageAsync(query, query.HasStart ? from : long.MinValue, long.MaxValue, sealedThroughMs, withState);
        }

        return read;
    }

    /// <summary>
    /// The sealed days cannot be read (PostgreSQL down): the answer from the retained 1m history alone, if it covers
    /// the request whole: every bar in it complete, and nothing before it left out (a start inside the history, or a
    /// full page). Otherwise null, and the caller gets the 503.
    /// </summary>
    public async Task<BarsPage?> FromMinutesOnlyAsync(BarsQuery query)
    {
        var minutes = await symbol.GetMinuteBars(long.MinValue, long.MaxValue);
        var composed = BarComposer.Compose(minutes.Bars, schedule, query.FootprintStepTicks);
        var bars = Page(query, composed);
        var covered = query.HasStart ? schedule.PeriodOf(query.FromMs).StartMs >= minutes.RetainedFromMs : bars.Count == query.Limit;
        return covered && bars.All(b => b.Candle.OpenTimeMs >= minutes.RetainedFromMs)
            ? new BarsPage(bars, minutes.WatermarkUs, minutes.RetainedFromMs, minutes.Incomplete)
            : null;
    }

    private async Task<long?> LastOpenTimeAsync(BarsQuery query) =>
        query.HasStart || !schedule.Timeframe.IsIntraday ? null : (await symbol.GetStatus()).LastBarMs;

    /// <summary>Without a start, an intraday request needs only the last <c>limit</c> periods of 1m bars.</summary>
    private long TailStart(BarsQuery query, long? lastOpenMs)
    {
        if (query.HasStart)
        {
            return schedule.PeriodOf(query.FromMs).StartMs;
        }

        if (lastOpenMs is not { } last)
        {
            return long.MinValue;
        }

        var end = Math.Min(last, query.ToMs - 1);
        return schedule.PeriodOf(end).StartMs - ((query.Limit - 1) * schedule.Timeframe.LengthMs);
    }

    /// <summary>With a start, a request needs at most <c>limit</c> periods from it: the end of the last of them.</summary>
    private long HeadEnd(BarsQuery query)
    {
        if (!query.HasStart)
        {
            return long.MaxValue;
        }

        var end = schedule.PeriodOf(query.FromMs).StartMs;
        for (var i = 0; i < query.Limit && end < query.ToMs; i++)
        {
            end = schedule.PeriodOf(end).EndMs;
        }

        return end;
    }

    /// <summary>The requested bars composed from the periods in [fetchFrom, fetchUntil), and the state their minutes were read at if asked.</summary>
    private async Task<(BarsPage Page, LiveState? State)> PageAsync(BarsQuery query, long fetchFrom, long fetchUntil, long sealedThroughMs, bool withState)
    {
        var fetchTo = Math.Min(fetchUntil, query.ToMs == long.MaxValue ? long.MaxValue : schedule.PeriodOf(query.ToMs - 1).EndMs);
        var read = withState ? await symbol.GetMinutesAtState(fetchFrom, fetchTo) : null;
        var minutes = read?.Minutes ?? await symbol.GetMinuteBars(fetchFrom, fetchTo);
        var watermarkUs = minutes.WatermarkUs;
        var retainedFromMs = minutes.RetainedFromMs;
        var incomplete = minutes.Incomplete;
        IReadOnlyList<Bar> composed;
        if (sealedDays is not null)
        {
            var sealedPeriods = await sealedDays.LoadAsync(fetchFrom, fetchTo, footprints: true);
            var days = sealedPeriods.Days;
            composed = BarComposer.Compose(sealedDays.Merge(days, minutes, footprints: true), schedule, query.FootprintStepTicks);
            watermarkUs = Math.Max(watermarkUs, days.Count == 0 ? long.MinValue : days[^1].Candle.Period.EndMs * 1000);
            retainedFromMs = SealedDays.RetainedFromMs(minutes, days);
            incomplete = SealedDays.Incomplete(minutes, sealedPeriods, sealedThroughMs);
        }
        else if (schedule.Timeframe == Timeframe.OneMinute && query.FootprintStepTicks is 1)
        {
            composed = minutes.Bars;
        }
        else
        {
            composed = BarComposer.Compose(minutes.Bars, schedule, query.FootprintStepTicks);
        }

        return (new BarsPage(Page(query, composed), watermarkUs, retainedFromMs, incomplete), read?.State);
    }

    /// <summary>The bars in the query's range: the first <c>limit</c> from a start, else the last <c>limit</c>.</summary>
    private static List<Bar> Page(BarsQuery query, IReadOnlyList<Bar> composed)
    {
        var inRange = composed.Where(b => b.Candle.OpenTimeMs >= query.FromMs && b.Candle.OpenTimeMs < query.ToMs).ToList();
        return [.. query.HasStart ? inRange.Take(query.Limit) : inRange.Skip(Math.Max(0, inRange.Count - query.Limit))];
    }
}
