using Candles.Abstractions.Grains;
using Candles.Abstractions.Streams;
using Candles.Abstractions.Wire;
using Candles.Core.Bars;
using Candles.Core.Composition;
using Candles.Core.Timeframes;
using Candles.Grains.Options;
using Candles.Storage.Sealed;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Utilities;

namespace Candles.Grains;

/// <summary>
/// One timeframe of one instrument: composes its bars from the instrument's 1m bars on request. Calendar
/// bars of a sealed zone are composed from days instead: the sealed days (PostgreSQL) and, for days not sealed
/// yet or corrected since, days composed from 1m, so they stay exact after the 1m bars are gone.
/// Candles composed from closed data are cached under the instrument's closed-bar version and the sealer's
/// version, so a request between changes only folds in the live minute. While observers (the gateways' live
/// feeds) follow it, the grain takes the 1m messages pushed by the instrument's grain and pushes the timeframe's
/// updates, closes and corrections to them; with no observer left it stops following.
/// </summary>
public sealed partial class TimeframeGrain(ISealedBarStore sealedBars, IOptions<SealOptions> seal, ILogger<TimeframeGrain> logger) : Grain, ITimeframeGrain
{
    private string _instrument = string.Empty;
    private BarSchedule _schedule = null!;
    private BarSchedule? _day;
    private SealedSeries? _sealedDays;
    private ISymbolGrain _symbol = null!;
    private IPeriodGrain? _sealer;
    private ObserverManager<ILiveBarsObserver> _observers = null!;
    private long _lastMinuteSequence = long.MinValue;

    // Candles composed from closed data, current while both versions are; bars opening before _cachedRetainedFromMs may be partial.
    private long _cachedVersion = long.MinValue;
    private long _cachedSealVersion = long.MinValue;
    private long _cachedRetainedFromMs = long.MinValue;
    private IncompleteSpans? _cachedIncomplete;
    private List<Bar> _cachedClosed = [];

    // The newest minute the cached composition holds, and the 1m message it is current with: the next message, if it
    // holds a whole commit, is folded in rather than the whole 1m history read again.
    private long _cachedThroughMinuteMs = long.MinValue;
    private long _cachedAtSequence = long.MinValue;

    // Sealed days without footprints, current while the sealer's version is.
    private long _sealedDaysVersion = long.MinValue;
    private List<Bar> _sealedDaysCache = [];

    private TimeframePublisher _publisher = null!;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = this.GetPrimaryKeyString();
        var (instrument, timeframe, zone) = GrainKeys.ParseTimeframe(key);
        _instrument = instrument;
        _symbol = GrainFactory.GetGrain<ISymbolGrain>(instrument);
        _schedule = BarSchedule.For(timeframe, TimeZones.Find(zone));
        if (!timeframe.IsIntraday && seal.Value.AllZones.Contains(zone))
        {
            _day = BarSchedule.For(Timeframe.Parse("1d"), TimeZones.Find(zone));
            _sealedDays = new SealedSeries(instrument, Timeframe.Parse("1d"), zone);
            _sealer = GrainFactory.GetGrain<IPeriodGrain>(GrainKeys.Period(instrument, zone));
        }

        _observers = new ObserverManager<ILiveBarsObserver>(ITimeframeGrain.ObserverLease, logger);

        // Subscriptions to the 1m stream kept by the pub-sub store from versions that followed it that way.
        await this.MinuteStream(instrument).UnfollowAsync();

        // The sequence starts from the wall clock, so a new activation never repeats an old one's.
        var (live, sealState) = await CurrentAsync();
        try
        {
            await EnsureCachedAsync(live, sealState);
        }
        catch (InstrumentUnavailableException)
        {
            // The sealed days cannot be read now (logged): the first request tries again, or answers from the 1m history.
        }

        _publisher = new TimeframePublisher(WatermarkUs(live), TimeProvider.System.GetUtcNow().UtcTicks);
    }

    public Task<long> Watch() => Task.FromResult(_publisher.Sequence);

    public async Task<long> Follow(ILiveBarsObserver observer)
    {
        _observers.Subscribe(observer, observer);

        // Every time: the instrument's grain forgets its followers when it is activated anew, and what it committed
        // meanwhile (a push lost, or sent to nobody) is caught up here, as no later push may come for a while.
        var pushed = await _symbol.FollowMinutes(this.GetPrimaryKeyString());
        if (pushed != _lastMinuteSequence)
        {
            _lastMinuteSequence = pushed;
            await PushAsync(null);
        }

        return _publisher.Sequence;
    }

    public async Task Unfollow(ILiveBarsObserver observer)
    {
        _observers.Unsubscribe(observer);
        if (_observers.Count == 0)
        {
            await _symbol.UnfollowMinutes(this.GetPrimaryKeyString());
        }
    }

    public Task<int> GetFollowerCount()
    {
        _observers.ClearExpired();
        return Task.FromResult(_observers.Count);
    }

    public async Task<TimeframeSnapshot> Snapshot(BarsQuery query) => new(await GetBars(query), _publisher.Sequence);

    public async Task<BarsPage> GetBars(BarsQuery query)
    {
        try
        {
            return await ComposeAsync(query);
        }
        catch (InstrumentUnavailableException) when (_sealedDays is not null)
        {
            return await FromMinutesOnlyAsync(query) ?? throw new InstrumentUnavailableException(
                $"the sealed bars of {this.GetPrimaryKeyString()} cannot be read now and the 1m history does not cover the request; retry");
        }
    }

    /// <summary>
    /// The sealed days cannot be read (PostgreSQL down): the answer from the retained 1m history alone, if it covers
    /// the request whole: every bar in it complete, and nothing before it left out (a start inside the history, or a
    /// full page). Otherwise null, and the caller gets the 503.
    /// </summary>
    private async Task<BarsPage?> FromMinutesOnlyAsync(BarsQuery query)
    {
        var minutes = await _symbol.GetMinuteBars(long.MinValue, long.MaxValue);
        var composed = BarComposer.Compose(minutes.Bars, _schedule, query.FootprintStepTicks);
        var inRange = composed.Where(b => b.Candle.OpenTimeMs >= query.FromMs && b.Candle.OpenTimeMs < query.ToMs).ToList();
        List<Bar> bars = [.. query.HasStart ? inRange.Take(query.Limit) : inRange.Skip(Math.Max(0, inRange.Count - query.Limit))];
        var page = new BarsPage(bars, minutes.WatermarkUs, minutes.RetainedFromMs, minutes.Incomplete);
        var covered = query.HasStart ? _schedule.PeriodOf(query.FromMs).StartMs >= minutes.RetainedFromMs : bars.Count == query.Limit;
        return covered && bars.All(b => b.Candle.OpenTimeMs >= minutes.RetainedFromMs) ? page : null;
    }

    private async Task<BarsPage> ComposeAsync(BarsQuery query)
    {
        if (query.FootprintStepTicks is null)
        {
            var (live, sealState) = await CurrentAsync();
            await EnsureCachedAsync(live, sealState);
            return Candles(query, live);
        }

        // Only the periods the limit can fill are read and composed, not the whole history after the start.
        var (from, until) = (TailStart(query, await LastOpenTimeAsync(query)), HeadEnd(query));
        var page = await GetBarsFromAsync(query, from, until);
        var windowCut = query.HasStart ? until < query.ToMs : from != long.MinValue;
        if (page.Bars.Count < query.Limit && windowCut)
        {
            // Quiet periods left the window short of the limit: take everything retained instead.
            page = await GetBarsFromAsync(query, query.HasStart ? from : long.MinValue, long.MaxValue);
        }

        return page;
    }

    private async Task<(LiveState Live, SealState? Seal)> CurrentAsync() =>
        (await _symbol.GetLiveState(), _sealer is null ? null : await _sealer.GetSealState());

    /// <summary>Bars opening before this may be partial: before the 1m retention and not from a sealed day.</summary>
    private static long RetainedFromMs(BarsPage minutes, IReadOnlyList<Bar> sealedDays) =>
        sealedDays.Count == 0 ? minutes.RetainedFromMs : Math.Min(minutes.RetainedFromMs, sealedDays[0].Candle.OpenTimeMs);

    /// <summary>
    /// Brings the closed candles up to date if the 1m bars or the sealed days changed since they were cached: by
    /// folding in the 1m message that follows the one the cache is current with, else by recomposing them all.
    /// </summary>
    private async Task EnsureCachedAsync(LiveState live, SealState? sealState, BarEvents? message = null)
    {
        var sealVersion = sealState?.Version ?? long.MinValue;

        // A live minute the cache holds as closed cannot be (a read of the minutes raced a rollback of the instrument's
        // watermark): everything is read again.
        var liveHeld = live.Live is { } minute && minute.Candle.OpenTimeMs <= _cachedThroughMinuteMs;
        if (!liveHeld && live.ClosedVersion == _cachedVersion && sealVersion == _cachedSealVersion)
        {
            // No closed bar changed since: the cache is as current with this message (or read) as with its own.
            _cachedAtSequence = Math.Max(_cachedAtSequence, message?.Sequence ?? live.Sequence);
            return;
        }

        if (!liveHeld && message is not null && await TryFoldAsync(message, live.Live?.Candle.OpenTimeMs ?? long.MaxValue))
        {
            return;
        }

        // The minutes closed as of the state read: before its live minute or, with none live, before its watermark's
        // minute. A minute opened and closed since (the two reads are apart) is left to the messages that report it.
        var closed = await _symbol.GetMinuteCandles(long.MinValue, live.Live?.Candle.OpenTimeMs ?? ClosedBeforeMs(live.WatermarkUs));
        (_cachedThroughMinuteMs, _cachedAtSequence) = (closed.Bars.Count > 0 ? closed.Bars[^1].Candle.OpenTimeMs : long.MinValue, message?.Sequence ?? live.Sequence);
        if (_sealedDays is null)
        {
            _cachedClosed = BarComposer.Compose(closed.Bars, _schedule, footprintStepTicks: null);
            _cachedRetainedFromMs = closed.RetainedFromMs;
            _cachedIncomplete = closed.Incomplete;
        }
        else
        {
            if (sealVersion != _sealedDaysVersion)
            {
                _sealedDaysCache = [.. await LoadSealedDaysAsync(long.MinValue, long.MaxValue, footprints: false)];
                _sealedDaysVersion = sealVersion;
            }

            _cachedClosed = BarComposer.Compose(MergeDays(_sealedDaysCache, closed, footprints: false), _schedule, footprintStepTicks: null);
            _cachedRetainedFromMs = RetainedFromMs(closed, _sealedDaysCache);
            _cachedIncomplete = closed.Incomplete;
        }

        (_cachedVersion, _cachedSealVersion) = (live.ClosedVersion, sealVersion);
    }

    /// <summary>The start of the watermark's minute: every minute closed at that watermark opened before it (it ended at or before the watermark).</summary>
    private static long ClosedBeforeMs(long watermarkUs) => watermarkUs <= 0 ? long.MinValue : Minutes.PeriodOf(watermarkUs / 1000).StartMs;

    private static readonly BarSchedule Minutes = BarSchedule.For(Timeframe.OneMinute, NodaTime.DateTimeZone.Utc);

    /// <summary>
    /// Folds a 1m message into the cached candles, when it is the next one after the message they are current with
    /// and holds a whole commit (so the cache is then exactly as of its version): the minutes it closed (the live bar
    /// closing, always the newest) extend the last bar or start the next; bars the retention cut are recomposed from
    /// the minutes left. A new list, so the publisher still compares every bar. False, changing nothing, when the
    /// message needs the whole history read again: a correction, a gap, a part of a commit, sealed days.
    /// </summary>
    /// <param name="message">The 1m message.</param>
    /// <param name="liveOpenMs">The live minute as of the message: it is not a closed minute, so no bar holds it here.</param>
    private async Task<bool> TryFoldAsync(BarEvents message, long liveOpenMs)
    {
        if (_sealedDays is not null || !message.EndsCommit || message.Sequence != _cachedAtSequence + 1
            || message.Events.Any(e => e.Kind == BarEventKind.Correction))
        {
            return false;
        }

        var closes = message.Events.Where(e => e.Kind == BarEventKind.Close).Select(e => e.Bar);
        if (CandleFold.Append(_cachedClosed, _cachedThroughMinuteMs, closes, _schedule) is not ({ } bars, var through) || through >= liveOpenMs)
        {
            // A minute the cached candles cannot take, or a closed minute at or after the live one: not a state this
            // message describes.
            return false;
        }

        var retainedFromMs = Math.Max(_cachedRetainedFromMs, message.RetainedFromMs);
        if (retainedFromMs > _cachedRetainedFromMs && CandleFold.Cut(bars, retainedFromMs) is { } headEndMs)
        {
            // The first bar lost minutes: composed anew from the closed ones still held, up to the last one folded (it
            // may be the last bar too: the live minute is folded in when served, not here).
            var head = await _symbol.GetMinuteCandles(retainedFromMs, Math.Min(headEndMs, Math.Min(liveOpenMs, through + 1)));
            CandleFold.ReplaceHead(bars, head.Bars, _schedule);
        }

        (_cachedClosed, _cachedThroughMinuteMs, _cachedRetainedFromMs, _cachedIncomplete) = (bars, through, retainedFromMs, message.Incomplete);
        (_cachedVersion, _cachedAtSequence) = (message.ClosedVersion, message.Sequence);
        return true;
    }

    /// <summary>
    /// Candles (no footprints) from the cached composition, with the live minute folded into the last bar. The
    /// closed bars were read up to the live minute's start, so that minute is counted once.
    /// </summary>
    private BarsPage Candles(BarsQuery query, LiveState live)
    {
        var cached = _cachedClosed;
        var (replaceLast, append) = FoldLive(live);
        var start = query.HasStart ? BarIndex.LowerBound(cached, query.FromMs) : query.ToMs == long.MaxValue ? Math.Max(0, cached.Count - query.Limit) : 0;
        var inRange = From(start).Where(b => b.Candle.OpenTimeMs >= query.FromMs && b.Candle.OpenTimeMs < query.ToMs);
        var page = query.HasStart ? inRange.Take(query.Limit) : inRange.TakeLast(query.Limit);
        return new BarsPage([.. page], WatermarkUs(live), _cachedRetainedFromMs, _cachedIncomplete);

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

    /// <summary>The live minute either extends the last cached bar (<c>ReplaceLast</c>) or starts a new one (<c>Append</c>).</summary>
    private (Bar? ReplaceLast, Bar? Append) FoldLive(LiveState live)
    {
        if (live.Live is not { } minute)
        {
            return (null, null);
        }

        var last = _cachedClosed.Count > 0 && _cachedClosed[^1].Candle.Period.Contains(minute.Candle.OpenTimeMs) ? _cachedClosed[^1] : null;
        var current = BarComposer.Compose(last is null ? [minute] : [last, minute], _schedule, footprintStepTicks: null)[0];
        return last is null ? (null, current) : (current, null);
    }

    /// <summary>A sealed day is closed even when the 1m history (and its watermark) is gone.</summary>
    private long WatermarkUs(LiveState live) =>
        _sealedDaysCache.Count == 0 || _sealedDays is null ? live.WatermarkUs : Math.Max(live.WatermarkUs, _sealedDaysCache[^1].Candle.Period.EndMs * 1000);

    /// <summary>
    /// A 1m message: pushes this timeframe's bars the watermark closed, the closed bars that changed and the open bar
    /// if it changed. One older than the last one taken (a one-way call overtaken) changes nothing: the newer one
    /// carried the newer state. With no observer left, stops following the instrument.
    /// </summary>
    public async Task OnMinutes(BarEvents message)
    {
        _observers.ClearExpired();
        if (_observers.Count == 0)
        {
            await _symbol.UnfollowMinutes(this.GetPrimaryKeyString());
            return;
        }

        if (message.Sequence <= _lastMinuteSequence && _lastMinuteSequence - message.Sequence <= OvertakenWindow)
        {
            return;
        }

        _lastMinuteSequence = message.Sequence;
        await PushAsync(message);
    }

    /// <summary>
    /// Pushes to the observers what changed since the last push: from the 1m message when there is one, else (a
    /// catch-up) from the instrument's current state.
    /// </summary>
    private async Task PushAsync(BarEvents? message)
    {
        try
        {
            // A live update carries the instrument's state as of its commit: no call back to the (busy) symbol grain.
            var fromMessage = _sealer is null && message is { Events.Count: > 0 } && message.Events[^1] is { Kind: BarEventKind.Update };
            var (live, sealState) = fromMessage
                ? (new LiveState(message!.ClosedVersion, message.Events[^1].Bar, message.WatermarkUs, message.Sequence), null)
                : await CurrentAsync();
            if (!fromMessage)
            {
                // The state read may be newer than messages still on their way here: pushed after it, they would take
                // the bars back to an older state (the live bar, or a bar closed here, reopened), so they are passed over.
                _lastMinuteSequence = Math.Max(_lastMinuteSequence, live.Sequence);
            }

            // Folded when the state is the message's own: carried by it, or read with no message sent after it (a close
            // by the scan or a flush, with no live update after it), so no closed minute is missing beside the live one.
            var foldable = message is not null && (fromMessage || (live.Sequence == message.Sequence && live.ClosedVersion == message.ClosedVersion));
            await EnsureCachedAsync(live, sealState, foldable ? message : null);
            var watermarkUs = WatermarkUs(live);
            var (replaceLast, append) = FoldLive(live);

            // With no live minute, the last bar may still be open: its closed minutes are all it holds so far.
            var open = replaceLast ?? append ?? (_cachedClosed.Count > 0 ? _cachedClosed[^1] : null);
            var events = _publisher.Next(_cachedClosed, open, watermarkUs, _cachedRetainedFromMs);
            foreach (var chunk in events.Chunk(TimeframePublisher.MaxMessageEvents))
            {
                var next = new BarEvents(_publisher.NextSequence(), live.ClosedVersion, watermarkUs, chunk, _cachedRetainedFromMs, _cachedIncomplete, message?.CommittedAtMs ?? 0);
                await _observers.Notify(observer => observer.OnBars(next));
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogPublishFailed(logger, ex, this.GetPrimaryKeyString());
        }
    }

    private async Task<long?> LastOpenTimeAsync(BarsQuery query) =>
        query.HasStart || !_schedule.Timeframe.IsIntraday ? null : (await _symbol.GetStatus()).LastBarMs;

    /// <summary>Without a start, an intraday request needs only the last <c>limit</c> periods of 1m bars.</summary>
    private long TailStart(BarsQuery query, long? lastOpenMs)
    {
        if (query.HasStart)
        {
            return _schedule.PeriodOf(query.FromMs).StartMs;
        }

        if (lastOpenMs is not { } last)
        {
            return long.MinValue;
        }

        var end = Math.Min(last, query.ToMs - 1);
        return _schedule.PeriodOf(end).StartMs - ((query.Limit - 1) * _schedule.Timeframe.LengthMs);
    }

    /// <summary>With a start, a request needs at most <c>limit</c> periods from it: the end of the last of them.</summary>
    private long HeadEnd(BarsQuery query)
    {
        if (!query.HasStart)
        {
            return long.MaxValue;
        }

        var end = _schedule.PeriodOf(query.FromMs).StartMs;
        for (var i = 0; i < query.Limit && end < query.ToMs; i++)
        {
            end = _schedule.PeriodOf(end).EndMs;
        }

        return end;
    }

    /// <summary>Bars with footprints: composed from 1m (and sealed days) for every request, from the periods in [fetchFrom, fetchUntil).</summary>
    private async Task<BarsPage> GetBarsFromAsync(BarsQuery query, long fetchFrom, long fetchUntil)
    {
        var schedule = _schedule;
        var fetchTo = Math.Min(fetchUntil, query.ToMs == long.MaxValue ? long.MaxValue : schedule.PeriodOf(query.ToMs - 1).EndMs);
        var minutes = await _symbol.GetMinuteBars(fetchFrom, fetchTo);
        var watermarkUs = minutes.WatermarkUs;
        var retainedFromMs = minutes.RetainedFromMs;
        IReadOnlyList<Bar> composed;
        if (_sealedDays is not null)
        {
            var sealedDays = await LoadSealedDaysAsync(fetchFrom, fetchTo, footprints: true);
            composed = BarComposer.Compose(MergeDays(sealedDays, minutes, footprints: true), schedule, query.FootprintStepTicks);
            watermarkUs = Math.Max(watermarkUs, sealedDays.Count == 0 ? long.MinValue : sealedDays[^1].Candle.Period.EndMs * 1000);
            retainedFromMs = RetainedFromMs(minutes, sealedDays);
        }
        else if (schedule.Timeframe == Timeframe.OneMinute && query.FootprintStepTicks is 1)
        {
            composed = minutes.Bars;
        }
        else
        {
            composed = BarComposer.Compose(minutes.Bars, schedule, query.FootprintStepTicks);
        }

        var inRange = composed.Where(b => b.Candle.OpenTimeMs >= query.FromMs && b.Candle.OpenTimeMs < query.ToMs).ToList();
        var page = query.HasStart ? inRange.Take(query.Limit) : inRange.Skip(Math.Max(0, inRange.Count - query.Limit));
        return new BarsPage([.. page], watermarkUs, retainedFromMs, minutes.Incomplete);
    }

    /// <summary>
    /// Each day once: the sealed day, unless the 1m bars give a newer revision of it (a correction not sealed
    /// yet) or it is not sealed at all. A day the 1m retention has cut short is never preferred to a sealed one.
    /// </summary>
    private List<Bar> MergeDays(IReadOnlyList<Bar> sealedDays, BarsPage minutes, bool footprints)
    {
        var days = sealedDays.ToDictionary(d => d.Candle.OpenTimeMs);
        foreach (var day in BarComposer.Compose(minutes.Bars, _day!, footprints ? 1 : null))
        {
            var whole = day.Candle.OpenTimeMs >= minutes.RetainedFromMs;
            if (!days.TryGetValue(day.Candle.OpenTimeMs, out var sealedDay) || (whole && day.Candle.Revision > sealedDay.Candle.Revision))
            {
                days[day.Candle.OpenTimeMs] = day;
            }
        }

        return [.. days.Values.OrderBy(d => d.Candle.OpenTimeMs)];
    }

    /// <summary>The sealed days in [fromMs, toMs); the sealed-bar store unreachable (PostgreSQL down) is a retryable 503, not a 500.</summary>
    private async Task<IReadOnlyList<Bar>> LoadSealedDaysAsync(long fromMs, long toMs, bool footprints)
    {
        try
        {
            return await sealedBars.LoadAsync(_sealedDays!, fromMs, toMs, footprints);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogSealedUnavailable(logger, ex, this.GetPrimaryKeyString());
            throw new InstrumentUnavailableException($"the sealed bars of {this.GetPrimaryKeyString()} cannot be read now; retry");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the sealed days of {Timeframe}")]
    private static partial void LogSealedUnavailable(ILogger logger, Exception exception, string timeframe);

    /// <summary>
    /// How far below the last 1m sequence taken a message counts as overtaken. The instrument grain's sequences rise by
    /// one per message from its activation's wall-clock ticks, so a new activation (on a silo whose clock may lag) is
    /// further away than this and is taken.
    /// </summary>
    private const long OvertakenWindow = 64;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish the updates of {Timeframe}; subscribers will see a sequence gap")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string timeframe);
}
