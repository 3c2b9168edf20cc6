using Candles.Abstractions.Grains;
using Candles.Abstractions.Wire;
using Candles.Core.Bars;
using Candles.Core.Composition;
using Candles.Core.Instruments;
using Candles.Core.Timeframes;
using Candles.Storage.Sealed;
using Microsoft.Extensions.Logging;

namespace Candles.Grains;

/// <summary>
/// The sealing itself for one instrument in one zone: composes finished days from the instrument's 1m bars and upserts
/// them, then the weeks and months holding them from the sealed days (weeks and months are whole local days). Every
/// seal is an upsert, so sealing again is idempotent; where a period ends is the zone's calendar.
/// </summary>
internal sealed partial class DaySealer(ISealedBarStore sealedBars, ISymbolGrain symbol, string instrument, string zone, ILogger logger)
{
    private readonly BarSchedule _day = BarSchedule.DaysIn(zone);
    private readonly BarSchedule[] _longer =
        [BarSchedule.For(Timeframe.Parse("1w"), TimeZones.Find(zone)), BarSchedule.For(Timeframe.Parse("1M"), TimeZones.Find(zone))];

    private Instrument? _grids;

    /// <summary>Where the instrument's history is known to miss trades, as last read (the spans only grow): a bar overlapping it is sealed as partial.</summary>
    private IncompleteSpans _incomplete = IncompleteSpans.None;

    /// <summary>
    /// The newest 1m bar the retention had dropped when this zone's first days were sealed, with nothing sealed before in
    /// the zone (long.MinValue: none). A fast replay can outrun a new sealer so: the days up to it are in neither store,
    /// so a week or month opening at or before it lacks them and is sealed as partial, whenever it finishes. Kept in the
    /// sealer's state; only this zone's bars are concerned, so it is not marked on the instrument, whose other zones may
    /// hold those days sealed.
    /// </summary>
    public long LostThroughMs { get; set; } = long.MinValue;

    /// <summary>
    /// Keeps <see cref="LostThroughMs"/> when a first seal finds it, before that seal is stored: a sealer dying between the
    /// two would otherwise start from nothing again, find the days after the dropped ones sealed, and know nothing lost.
    /// </summary>
    public Func<long, Task> KeepLostAsync { get; init; } = _ => Task.CompletedTask;

    /// <summary>Where the zone's day holding <paramref name="timeMs"/> starts.</summary>
    public long DayStartMs(long timeMs) => _day.PeriodOf(timeMs).StartMs;

    /// <summary>Days ending at or before the watermark are finished; the day holding it is still live.</summary>
    public long FinishedThrough(long watermarkUs) =>
        watermarkUs == long.MinValue ? long.MinValue : _day.PeriodOfUs(watermarkUs).StartMs;

    /// <summary>
    /// The earliest end, after the last seal, of the day, week or month holding the instrument's last traded minute: the
    /// next seal its trades need. Null when all three are sealed.
    /// </summary>
    public long? NextEndToSeal(long lastBarMs, long sealedThrough) =>
        _longer.Prepend(_day).Select(schedule => schedule.PeriodOf(lastBarMs).EndMs).Where(end => end > sealedThrough).Order().Cast<long?>().FirstOrDefault();

    /// <summary>
    /// Seals the days the watermark finished since <paramref name="sealedThrough"/>, re-seals the sealed days holding a
    /// <paramref name="corrected"/> minute and, on a <paramref name="recheck"/>, every sealed day whose minutes were
    /// revised since; then the weeks and months holding them. The number of bars written (days, weeks and months), or null
    /// when there is nothing to seal from (the instrument undefined, or without a watermark) and the seal stays where it was.
    /// </summary>
    public async Task<int?> SealAsync(long watermarkUs, IReadOnlyCollection<long> corrected, bool recheck, long sealedThrough, IReadOnlyCollection<long> closedAgain)
    {
        _grids ??= (await symbol.GetStatus()).Spec?.ToInstrument();
        if (_grids is not { } grids || watermarkUs == long.MinValue)
        {
            return null;
        }

        var finishedThrough = FinishedThrough(watermarkUs);
        var days = new Dictionary<long, Bar>();
        if (finishedThrough > sealedThrough)
        {
            var (forward, trimmedThroughMs) = await ComposeDaysAsync(sealedThrough, finishedThrough);
            Add(forward);
            if (sealedThrough == long.MinValue && trimmedThroughMs is { } lost && lost > LostThroughMs && !await DaySealedAsync(lost))
            {
                await KeepLostAsync(lost);
                LostThroughMs = lost;
            }
            else if (sealedThrough > long.MinValue && trimmedThroughMs >= sealedThrough)
            {
                // The retention dropped minutes of days not sealed yet (this sealer lagged a replay, or one batch spanned
                // more than the retention): they are in neither store now, so every bar holding them is served as not
                // complete rather than as a day without trades. Marked before the seal moves past them.
                await symbol.MarkIncomplete(sealedThrough * 1000, trimmedThroughMs.Value * 1000);
                _incomplete = _incomplete.WithMinutes(sealedThrough * 1000, trimmedThroughMs.Value * 1000);
            }
        }

        // A correction adds trades or revises minutes; a day closed again holds what came again. Either is re-sealed only if
        // it holds all the sealed day held: an instrument that lost writes may hold less, and the sealed day is the better record.
        var again = corrected.Select(t => (t, Closed: false)).Concat(closedAgain.Select(t => (t, Closed: true)))
            .Where(c => c.t < Math.Min(sealedThrough, finishedThrough)).GroupBy(c => _day.PeriodOf(c.t)).ToList();
        foreach (var group in again)
        {
            foreach (var day in (await ComposeDaysAsync(group.Key.StartMs, group.Key.EndMs)).Days)
            {
                if (await HoldsAllSealedAsync(day, sameCount: group.Any(c => !c.Closed)))
                {
                    Add([day]);
                }
            }
        }

        if (recheck && sealedThrough > long.MinValue)
        {
            Add(await StaleSealedDaysAsync(sealedThrough));
            foreach (var day in await WholeDaysOverGapsAsync(sealedThrough))
            {
                days.TryAdd(day.Candle.OpenTimeMs, day); // a day composed again from corrected minutes is newer
            }
        }

        // One write: a day stored without its week and month would leave them stale for good, as the check that finds
        // stale seals compares the days alone.
        List<SeriesBars> seal = days.Count > 0 ? [new SeriesBars(Series("1d"), [.. days.Values.OrderBy(d => d.Candle.OpenTimeMs)], PartialOf(days.Values))] : [];
        seal.AddRange(await LongerPeriodsAsync(days, sealedThrough, finishedThrough));
        if (seal.Count > 0)
        {
            await sealedBars.UpsertAsync(grids, seal);
        }

        if (days.Count > 0)
        {
            LogSealed(logger, days.Count, instrument, zone);
            Diagnostics.GrainMetrics.Sealed(days.Count, zone, finishedThrough > sealedThrough ? (watermarkUs / 1000) - finishedThrough : null);
        }

        return seal.Sum(s => s.Bars.Count);

        void Add(IEnumerable<Bar> bars)
        {
            foreach (var bar in bars)
            {
                days[bar.Candle.OpenTimeMs] = bar;
            }
        }
    }

    /// <summary>
    /// Whether a day composed again holds all the sealed one held: more trades over its whole id range (ids rise with
    /// trade time), or, when <paramref name="sameCount"/>, the same trades with a new revision (minutes revised for a gap). One holding less (the instrument lost writes, and not everything came back) leaves the sealed day as
    /// it is, with a warning: it is the better record, and a gap marked in it since is put on it by the next recheck.
    /// </summary>
    private async Task<bool> HoldsAllSealedAsync(Bar day, bool sameCount)
    {
        if (await SealedDayAsync(day.Candle.Period) is not { } stored)
        {
            return true;
        }

        var (now, then) = (day.Candle, stored.Candle);
        if (now == then)
        {
            return false;
        }

        if ((now.Trades > then.Trades && now.FirstTradeId <= then.FirstTradeId && now.LastTradeId >= then.LastTradeId)
            || (sameCount && now with { Revision = then.Revision } == then))
        {
            return true;
        }

        LogKeptSealed(logger, instrument, zone, day.Candle.OpenTimeMs, now.Trades, then.Trades);
        return false;
    }

    /// <summary>
    /// Whether this zone has the day holding <paramref name="minuteMs"/> sealed: then that minute, and all before it, went
    /// into this zone's sealed days before its sealer's state was lost (its key evicted, or the whole store flushed), and
    /// nothing the retention dropped is missing from them. Days after it sealed are no proof: a first seal never seals a
    /// day the retention cut into, but seals the days after it, and its sealer may crash before its state is written.
    /// </summary>
    private async Task<bool> DaySealedAsync(long minuteMs)
    {
        var day = _day.PeriodOf(minuteMs);
        return await SealedDayAsync(day) is not null;
    }

    /// <summary>
    /// The days in [fromMs, toMs) the retained 1m history holds whole, and the newest minute the retention has dropped
    /// (null: not known, and then every day opening before the retention may have lost minutes). A day the retention has
    /// cut into is never sealed or re-sealed from what is left of it: a sealer lagging a fast replay leaves it unsealed
    /// (marked incomplete), and a correction in it keeps the day sealed whole before.
    /// </summary>
    private async Task<(List<Bar> Days, long? TrimmedThroughMs)> ComposeDaysAsync(long fromMs, long toMs)
    {
        var minutes = await symbol.GetMinuteBars(fromMs, toMs);
        _incomplete = _incomplete.Union(minutes.Incomplete ?? IncompleteSpans.None);
        var trimmed = minutes.TrimmedThroughMs ?? (minutes.RetainedFromMs > long.MinValue ? minutes.RetainedFromMs - 1 : long.MinValue);
        return ([.. BarComposer.Compose(minutes.Bars, _day, footprintStepTicks: 1).Where(d => d.Candle.OpenTimeMs > trimmed)], minutes.TrimmedThroughMs);
    }

    /// <summary>
    /// Sealed days whose 1m bars have since been corrected (a higher revision), among days the instrument still holds whole.
    /// Found from the corrected minutes' revisions alone: only the stale days are composed again, so a check that
    /// finds nothing reads no footprint.
    /// </summary>
    private async Task<IEnumerable<Bar>> StaleSealedDaysAsync(long sealedThrough)
    {
        var revised = await symbol.GetRevisedMinutes(sealedThrough);
        var dayRevisions = revised.OpenTimesMs.Zip(revised.Revisions)
            .GroupBy(m => _day.PeriodOf(m.First))
            .Where(day => day.Key.StartMs > revised.TrimmedThroughMs)
            .ToDictionary(day => day.Key, day => day.Sum(m => m.Second));
        if (dayRevisions.Count == 0)
        {
            return [];
        }

        var first = dayRevisions.Keys.Min(p => p.StartMs);
        var sealedDays = (await sealedBars.LoadAsync(Series("1d"), first, sealedThrough, footprints: false)).ToDictionary(d => d.Candle.OpenTimeMs, d => d.Candle.Revision);
        List<Bar> stale = [];
        foreach (var (day, revision) in dayRevisions)
        {
            if (!sealedDays.TryGetValue(day.StartMs, out var sealedRevision) || revision > sealedRevision)
            {
                foreach (var composed in (await ComposeDaysAsync(day.StartMs, day.EndMs)).Days)
                {
                    if (await HoldsAllSealedAsync(composed, sameCount: true))
                    {
                        stale.Add(composed);
                    }
                }
            }
        }

        return stale;
    }

    /// <summary>
    /// Sealed days stored as complete that overlap a gap marked since they were sealed: a gap in minutes without bars
    /// corrects none, so nothing else seals them again. They are sealed again as stored, now partial (and so their weeks
    /// and months). Only the days from the retained history's start on: a feed marks a gap as it finds it.
    /// </summary>
    private async Task<IReadOnlyList<Bar>> WholeDaysOverGapsAsync(long sealedThrough)
    {
        var spans = await symbol.GetMinuteCandles(sealedThrough, sealedThrough);
        _incomplete = _incomplete.Union(spans.Incomplete ?? IncompleteSpans.None);
        var from = spans.RetainedFromMs == long.MinValue ? long.MinValue : _day.PeriodOf(spans.RetainedFromMs).StartMs;
        if (!_incomplete.Overlaps(from, sealedThrough))
        {
            return [];
        }

        var sealedDays = await sealedBars.LoadAsync(Series("1d"), from, sealedThrough, footprints: false);
        var whole = sealedDays.Where(d => sealedDays.IsComplete(d) && _incomplete.Overlaps(d.Candle.Period.StartMs, d.Candle.Period.EndMs)).ToList();
        List<Bar> resealed = [];
        foreach (var day in whole)
        {
            resealed.AddRange(await sealedBars.LoadAsync(Series("1d"), day.Candle.OpenTimeMs, day.Candle.Period.EndMs));
        }

        return resealed;
    }

    /// <summary>
    /// Every finished week and month holding one of the <paramref name="days"/> being sealed, composed from them and the
    /// days sealed before; and the one holding the last day sealed before, if it finished since
    /// <paramref name="sealedThrough"/>: a week or month whose last days had no trades finishes with no day of its own to seal.
    /// </summary>
    private async Task<List<SeriesBars>> LongerPeriodsAsync(Dictionary<long, Bar> days, long sealedThrough, long finishedThrough)
    {
        List<SeriesBars> sealing = [];
        foreach (var schedule in _longer)
        {
            IEnumerable<BarPeriod> justFinished = sealedThrough > long.MinValue && schedule.PeriodOf(sealedThrough - 1) is var last && last.EndMs > sealedThrough ? [last] : [];
            List<Bar> bars = [];
            HashSet<long> partial = [];
            foreach (var period in days.Keys.Select(schedule.PeriodOf).Concat(justFinished).Distinct().Where(p => p.EndMs <= finishedThrough))
            {
                var sealedDays = await sealedBars.LoadAsync(Series("1d"), period.StartMs, period.EndMs);
                List<Bar> periodDays = [.. sealedDays.Where(d => !days.ContainsKey(d.Candle.OpenTimeMs)), .. days.Values.Where(d => period.Contains(d.Candle.OpenTimeMs))];
                bars.AddRange(BarComposer.Compose([.. periodDays.OrderBy(d => d.Candle.OpenTimeMs)], schedule, footprintStepTicks: 1));
                if (sealedDays.Partial.Count > 0 || _incomplete.Overlaps(period.StartMs, period.EndMs) || period.StartMs <= LostThroughMs)
                {
                    // A day of it sealed as partial (it stays so), a gap in its days, sealed or not, or days the retention
                    // dropped before this zone's first seal.
                    partial.Add(period.StartMs);
                }
            }

            if (bars.Count > 0)
            {
                sealing.Add(new SeriesBars(Series(schedule.Timeframe.Name), bars, partial));
            }
        }

        return sealing;
    }

    /// <summary>The open times of the bars overlapping a span where the history is known to miss trades.</summary>
    private HashSet<long> PartialOf(IEnumerable<Bar> bars) =>
        [.. bars.Where(b => _incomplete.Overlaps(b.Candle.Period.StartMs, b.Candle.Period.EndMs)).Select(b => b.Candle.OpenTimeMs)];

    /// <summary>The zone's sealed day of <paramref name="day"/>, without its footprint, or null.</summary>
    private async Task<Bar?> SealedDayAsync(BarPeriod day) =>
        (await sealedBars.LoadAsync(Series("1d"), day.StartMs, day.EndMs, footprints: false)) is { Count: > 0 } stored ? stored[0] : null;

    private SealedSeries Series(string timeframe) => new(instrument, Timeframe.Parse(timeframe), zone);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Instrument} in {Zone}: the day opening at {OpenTimeMs} came again with {Trades} trades, not all of the {SealedTrades} it was sealed with; the sealed day is kept")]
    private static partial void LogKeptSealed(ILogger logger, string instrument, string zone, long openTimeMs, long trades, long sealedTrades);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sealed {Count} days of {Instrument} in {Zone}")]
    private static partial void LogSealed(ILogger logger, int count, string instrument, string zone);
}
