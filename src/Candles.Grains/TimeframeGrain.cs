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
    private BarSchedule _schedule = null!;
    private SealedDays? _sealedDays;
    private ISymbolGrain _symbol = null!;
    private IPeriodGrain? _sealer;
    private ObserverManager<ILiveBarsObserver> _observers = null!;
    private long _lastMinuteSequence = long.MinValue;

    private CandleCache _cache = null!;
    private TimeframePublisher _publisher = null!;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = this.GetPrimaryKeyString();
        var (instrument, timeframe, zone) = GrainKeys.ParseTimeframe(key);
        _symbol = GrainFactory.GetGrain<ISymbolGrain>(instrument);
        _schedule = BarSchedule.For(timeframe, TimeZones.Find(zone));
        if (!timeframe.IsIntraday && seal.Value.AllZones.Contains(zone))
        {
            _sealedDays = new SealedDays(sealedBars, instrument, zone, key, logger);
            _sealer = GrainFactory.GetGrain<IPeriodGrain>(GrainKeys.Period(instrument, zone));
        }

        _cache = new CandleCache(_symbol, _schedule, _sealedDays);
        _observers = new ObserverManager<ILiveBarsObserver>(ITimeframeGrain.ObserverLease, logger);

        // Subscriptions to the 1m stream kept by the pub-sub store from versions that followed it that way.
        await this.MinuteStream(instrument).UnfollowAsync();

        // The sequence starts from the wall clock, so a new activation never repeats an old one's.
        var (live, sealState) = await CurrentAsync();
        try
        {
            await _cache.EnsureAsync(live, sealState);
        }
        catch (InstrumentUnavailableException)
        {
            // The sealed days cannot be read now (logged): the first request tries again, or answers from the 1m history.
        }

        _publisher = new TimeframePublisher(_cache.WatermarkUs(live), TimeProvider.System.GetUtcNow().UtcTicks);
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
            await _cache.EnsureAsync(live, sealState);
            return _cache.Candles(query, live);
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
            await _cache.EnsureAsync(live, sealState, foldable ? message : null);
            var watermarkUs = _cache.WatermarkUs(live);
            var (replaceLast, append) = _cache.FoldLive(live);

            // With no live minute, the last bar may still be open: its closed minutes are all it holds so far.
            var closed = _cache.Closed;
            var open = replaceLast ?? append ?? (closed.Count > 0 ? closed[^1] : null);
            var events = _publisher.Next(closed, open, watermarkUs, _cache.RetainedFromMs);
            foreach (var chunk in events.Chunk(TimeframePublisher.MaxMessageEvents))
            {
                var next = new BarEvents(_publisher.NextSequence(), live.ClosedVersion, watermarkUs, chunk, _cache.RetainedFromMs, _cache.Incomplete, message?.CommittedAtMs ?? 0);
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
            var sealedDays = await _sealedDays.LoadAsync(fetchFrom, fetchTo, footprints: true);
            composed = BarComposer.Compose(_sealedDays.Merge(sealedDays, minutes, footprints: true), schedule, query.FootprintStepTicks);
            watermarkUs = Math.Max(watermarkUs, sealedDays.Count == 0 ? long.MinValue : sealedDays[^1].Candle.Period.EndMs * 1000);
            retainedFromMs = SealedDays.RetainedFromMs(minutes, sealedDays);
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
    /// How far below the last 1m sequence taken a message counts as overtaken. The instrument grain's sequences rise by
    /// one per message from its activation's wall-clock ticks, so a new activation (on a silo whose clock may lag) is
    /// further away than this and is taken.
    /// </summary>
    private const long OvertakenWindow = 64;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish the updates of {Timeframe}; subscribers will see a sequence gap")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string timeframe);
}
