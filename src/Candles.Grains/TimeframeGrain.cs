using Candles.Abstractions.Grains;
using Candles.Abstractions.Wire;
using Candles.Core.Composition;
using Candles.Core.Bars;
using Candles.Core.Timeframes;
using Candles.Grains.Options;
using Candles.Storage.Sealed;
using Microsoft.Extensions.Options;

namespace Candles.Grains;

/// <summary>
/// One timeframe of one instrument: composes its bars from the instrument's 1m bars on request. Calendar
/// bars of a sealed zone are composed from days instead: the sealed days (PostgreSQL) and, for days not sealed
/// yet or corrected since, days composed from 1m, so they stay exact after the 1m bars are gone.
/// </summary>
public sealed class TimeframeGrain(ISealedBarStore sealedBars, IOptions<SealOptions> seal) : Grain, ITimeframeGrain
{
    private string _instrument = string.Empty;
    private BarSchedule? _schedule;
    private BarSchedule? _day;
    private SealedSeries? _sealedDays;

    // Candles composed from the closed 1m bars of one version: recomposed only when those change.
    private long _cachedVersion = long.MinValue;
    private List<Bar> _cachedClosed = [];

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var (instrument, timeframe, zone) = GrainKeys.ParseTimeframe(this.GetPrimaryKeyString());
        _instrument = instrument;
        _schedule = BarSchedule.For(timeframe, TimeZones.Find(zone));
        if (!timeframe.IsIntraday && seal.Value.AllZones.Contains(zone))
        {
            _day = BarSchedule.For(Timeframe.Parse("1d"), TimeZones.Find(zone));
            _sealedDays = new SealedSeries(instrument, Timeframe.Parse("1d"), zone);
        }

        return Task.CompletedTask;
    }

    public async Task<BarsPage> GetBars(BarsQuery query)
    {
        if (_sealedDays is null && query.FootprintStepTicks is null)
        {
            return await CandlesFromCacheAsync(query);
        }

        var page = await GetBarsFromAsync(query, TailStart(query, await LastOpenTimeAsync(query)));
        if (!query.HasStart && page.Page.Bars.Count < query.Limit && page.FetchedFrom != long.MinValue)
        {
            // Quiet periods left the tail window short of the limit: take everything retained instead.
            page = await GetBarsFromAsync(query, long.MinValue);
        }

        return page.Page;
    }

    /// <summary>
    /// Candles (no footprints) from the cached composition of the closed 1m bars, with the live minute folded
    /// into the last bar. The closed bars are read up to the live minute's start, so that minute is counted once.
    /// </summary>
    private async Task<BarsPage> CandlesFromCacheAsync(BarsQuery query)
    {
        var symbol = GrainFactory.GetGrain<ISymbolGrain>(_instrument);
        var live = await symbol.GetLiveState();
        if (live.ClosedVersion != _cachedVersion)
        {
            var closed = await symbol.GetMinuteBars(long.MinValue, live.Live?.Candle.OpenTimeMs ?? long.MaxValue);
            _cachedClosed = BarComposer.Compose(closed.Bars, _schedule!, footprintStepTicks: null);
            _cachedVersion = live.ClosedVersion;
        }

        // The live minute either extends the last cached bar or starts a new one; nothing else is copied.
        var cached = _cachedClosed;
        Bar? replaceLast = null, append = null;
        if (live.Live is { } minute)
        {
            var last = cached.Count > 0 && cached[^1].Candle.Period.Contains(minute.Candle.OpenTimeMs) ? cached[^1] : null;
            var current = BarComposer.Compose(last is null ? [minute] : [last, minute], _schedule!, footprintStepTicks: null)[0];
            (replaceLast, append) = last is null ? ((Bar?)null, (Bar?)current) : (current, null);
        }

        var start = query.HasStart ? LowerBound(cached, query.FromMs) : query.ToMs == long.MaxValue ? Math.Max(0, cached.Count - query.Limit) : 0;
        var inRange = From(start).Where(b => b.Candle.OpenTimeMs >= query.FromMs && b.Candle.OpenTimeMs < query.ToMs);
        var page = query.HasStart ? inRange.Take(query.Limit) : inRange.TakeLast(query.Limit);
        return new BarsPage([.. page], live.WatermarkUs);

        IEnumerable<Bar> From(int index)
        {
            for (var i = index; i < cached.Count; i++)
            {
                yield return i == cached.Count - 1 && replaceLast is not null ? replaceLast : cached[i];
            }

            if (append is not null)
            {
                yield return append;
            }
        }
    }

    /// <summary>The index of the first bar opening at or after <paramref name="timeMs"/>.</summary>
    private static int LowerBound(List<Bar> bars, long timeMs)
    {
        int low = 0, high = bars.Count;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (bars[mid].Candle.OpenTimeMs < timeMs)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }

    private async Task<long?> LastOpenTimeAsync(BarsQuery query) =>
        query.HasStart || !_schedule!.Timeframe.IsIntraday ? null : (await GrainFactory.GetGrain<ISymbolGrain>(_instrument).GetStatus()).LastBarMs;

    /// <summary>Without a start, an intraday request needs only the last <c>limit</c> periods of 1m bars.</summary>
    private long TailStart(BarsQuery query, long? lastOpenMs)
    {
        if (query.HasStart)
        {
            return _schedule!.PeriodOf(query.FromMs).StartMs;
        }

        if (lastOpenMs is not { } last)
        {
            return long.MinValue;
        }

        var end = Math.Min(last, query.ToMs - 1);
        return _schedule!.PeriodOf(end).StartMs - ((query.Limit - 1) * _schedule.Timeframe.LengthMs);
    }

    private async Task<(BarsPage Page, long FetchedFrom)> GetBarsFromAsync(BarsQuery query, long fetchFrom)
    {
        var schedule = _schedule!;
        var fetchTo = query.ToMs == long.MaxValue ? long.MaxValue : schedule.PeriodOf(query.ToMs - 1).EndMs;
        var minutes = await GrainFactory.GetGrain<ISymbolGrain>(_instrument).GetMinuteBars(fetchFrom, fetchTo);
        var watermarkUs = minutes.WatermarkUs;
        IReadOnlyList<Bar> composed;
        if (_sealedDays is not null)
        {
            var (days, sealedThroughMs) = await DaysAsync(minutes.Bars, fetchFrom, fetchTo, footprints: query.FootprintStepTicks is not null);
            composed = BarComposer.Compose(days, schedule, query.FootprintStepTicks);

            // A sealed day is closed even when the 1m history (and its watermark) is gone.
            watermarkUs = Math.Max(watermarkUs, sealedThroughMs == long.MinValue ? long.MinValue : sealedThroughMs * 1000);
        }
        else if (schedule.Timeframe == Timeframe.OneMinute && query.FootprintStepTicks is null or 1)
        {
            composed = query.FootprintStepTicks is null ? [.. minutes.Bars.Select(b => b with { Footprint = Footprint.Empty })] : minutes.Bars;
        }
        else
        {
            composed = BarComposer.Compose(minutes.Bars, schedule, query.FootprintStepTicks);
        }

        var inRange = composed.Where(b => b.Candle.OpenTimeMs >= query.FromMs && b.Candle.OpenTimeMs < query.ToMs).ToList();
        var page = query.HasStart ? inRange.Take(query.Limit) : inRange.Skip(Math.Max(0, inRange.Count - query.Limit));
        return (new BarsPage([.. page], watermarkUs), fetchFrom);
    }

    /// <summary>
    /// Each day once: the sealed day, unless the 1m bars give a newer revision of it (a correction not sealed
    /// yet) or it is not sealed at all. A day the 1m retention has cut short is never preferred to a sealed one.
    /// </summary>
    private async Task<(List<Bar> Days, long SealedThroughMs)> DaysAsync(IReadOnlyList<Bar> minutes, long fromMs, long toMs, bool footprints)
    {
        var sealedDays = await sealedBars.LoadAsync(_sealedDays!, fromMs, toMs, footprints);
        var sealedThrough = sealedDays.Count == 0 ? long.MinValue : sealedDays[^1].Candle.Period.EndMs;
        var days = sealedDays.ToDictionary(d => d.Candle.OpenTimeMs);
        var firstWholeDay = long.MaxValue;
        if (minutes.Count > 0)
        {
            var first = _day!.PeriodOf(minutes[0].Candle.OpenTimeMs);
            firstWholeDay = first.StartMs == minutes[0].Candle.OpenTimeMs ? first.StartMs : first.EndMs;
        }

        foreach (var day in BarComposer.Compose(minutes, _day!, footprints ? 1 : null))
        {
            var whole = day.Candle.OpenTimeMs >= firstWholeDay;
            if (!days.TryGetValue(day.Candle.OpenTimeMs, out var sealedDay) || (whole && day.Candle.Revision > sealedDay.Candle.Revision))
            {
                days[day.Candle.OpenTimeMs] = day;
            }
        }

        return ([.. days.Values.OrderBy(d => d.Candle.OpenTimeMs)], sealedThrough);
    }
}
