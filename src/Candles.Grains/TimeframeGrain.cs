using Candles.Abstractions.Grains;
using Candles.Abstractions.Streams;
using Candles.Abstractions.Wire;
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
    private ISymbolGrain _symbol = null!;
    private IPeriodGrain? _sealer;
    private ObserverManager<ILiveBarsObserver> _observers = null!;
    private long _lastMinuteSequence = long.MinValue;
    private long _minuteProducer;

    private CandleCache _cache = null!;
    private BarRequests _requests = null!;
    private TimeframePublisher _publisher = null!;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = this.GetPrimaryKeyString();
        var (instrument, timeframe, zone) = GrainKeys.ParseTimeframe(key);
        _symbol = GrainFactory.GetGrain<ISymbolGrain>(instrument);
        var schedule = BarSchedule.For(timeframe, TimeZones.Find(zone));
        SealedDays? sealedDays = null;
        if (!timeframe.IsIntraday && seal.Value.AllZones.Contains(zone))
        {
            sealedDays = new SealedDays(sealedBars, instrument, timeframe, zone, key, logger);
            _sealer = GrainFactory.GetGrain<IPeriodGrain>(GrainKeys.Period(instrument, zone));
        }

        _cache = new CandleCache(_symbol, schedule, sealedDays);
        _requests = new BarRequests(_symbol, schedule, sealedDays);
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
        if (await _symbol.FollowMinutes(this.GetPrimaryKeyString()) != _lastMinuteSequence)
        {
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

    public async Task<TimeframeSnapshot> Snapshot(BarsQuery query) => new(await ReadAsync(query, snapshot: true), _publisher.Sequence);

    public Task<BarsPage> GetBars(BarsQuery query) => ReadAsync(query, snapshot: false);

    private async Task<BarsPage> ReadAsync(BarsQuery query, bool snapshot)
    {
        try
        {
            return await ComposeAsync(query, snapshot);
        }
        catch (InstrumentUnavailableException) when (_sealer is not null)
        {
            return await _requests.FromMinutesOnlyAsync(query) ?? throw new InstrumentUnavailableException(
                $"the sealed bars of {this.GetPrimaryKeyString()} cannot be read now and the 1m history does not cover the request; retry");
        }
    }

    private async Task<BarsPage> ComposeAsync(BarsQuery query, bool snapshot)
    {
        if (query.FootprintStepTicks is not null)
        {
            return await _requests.FootprintsAsync(query);
        }

        var (live, sealState) = await CurrentAsync();
        if (snapshot && !Taken(live.Producer, live.Sequence))
        {
            // A snapshot holds everything up to the sequence it gives. 1m messages still on their way here carry older
            // states than the one read: what they say is pushed now, from this state, and they are passed over when they come.
            await PushAsync(null, (live, sealState));
        }

        await _cache.EnsureAsync(live, sealState);
        return _cache.Candles(query, live);
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

        if (message.Producer != _minuteProducer)
        {
            // From another activation of the instrument's grain than the last one heard from: a new one, or an old one
            // whose message a new one's overtook. Its current state says which: pushed, it passes over what it holds.
            await PushAsync(null);
            return;
        }

        if (message.Sequence <= _lastMinuteSequence && (message.Producer != 0 || _lastMinuteSequence - message.Sequence <= OvertakenWindow))
        {
            return;
        }

        _lastMinuteSequence = message.Sequence;
        await PushAsync(message);
    }

    /// <summary>Whether a message or state numbered so by its producer says nothing newer than what was taken last.</summary>
    private bool Taken(long producer, long sequence) => producer == _minuteProducer && sequence <= _lastMinuteSequence;

    /// <summary>
    /// Pushes to the observers what changed since the last push: from the 1m message when there is one, else (a
    /// catch-up) from the instrument's current state, or <paramref name="current"/> when it was just read.
    /// </summary>
    private async Task PushAsync(BarEvents? message, (LiveState Live, SealState? Seal)? current = null)
    {
        try
        {
            // A live update carries the instrument's state as of its commit: no call back to the (busy) symbol grain.
            var fromMessage = _sealer is null && message is { Events.Count: > 0 } && message.Events[^1] is { Kind: BarEventKind.Update };
            var (live, sealState) = fromMessage
                ? (new LiveState(message!.ClosedVersion, message.Events[^1].Bar, message.WatermarkUs, message.Sequence, message.Producer), null)
                : current ?? await CurrentAsync();
            if (!fromMessage)
            {
                // The state read may be newer than messages still on their way here: pushed after it, they would take
                // the bars back to an older state (the live bar, or a bar closed here, reopened), so they are passed over.
                (_minuteProducer, _lastMinuteSequence) = live.Producer == _minuteProducer
                    ? (_minuteProducer, Math.Max(_lastMinuteSequence, live.Sequence))
                    : (live.Producer, live.Sequence);
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

    /// <summary>
    /// For messages of a producer that does not name itself (an older version's): how far below the last 1m sequence taken
    /// a message counts as overtaken. Its sequences rise by one per message from its activation's wall-clock ticks, so a
    /// new activation is mostly further away than this and is taken.
    /// </summary>
    private const long OvertakenWindow = 64;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish the updates of {Timeframe}; subscribers will see a sequence gap")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string timeframe);
}
