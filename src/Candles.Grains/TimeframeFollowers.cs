using Candles.Abstractions.Grains;
using Candles.Abstractions.Streams;
using Candles.Abstractions.Wire;
using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace Candles.Grains;

/// <summary>
/// The gateways' live feeds following one timeframe: which of the instrument's 1m messages are taken (in order, per
/// producing activation), and what is pushed to the feeds for each. Owned by one <see cref="TimeframeGrain"/> activation.
/// </summary>
internal sealed partial class TimeframeFollowers(
    string timeframeKey, ISymbolGrain symbol, CandleCache cache, TimeframePublisher publisher, bool sealedZone,
    Func<Task<(LiveState Live, SealState? Seal)>> current, ILogger logger)
{
    /// <summary>
    /// For messages of a producer that does not name itself (an older version's): how far below the last 1m sequence taken
    /// a message counts as overtaken. Its sequences rise by one per message from its activation's wall-clock ticks, so a
    /// new activation is mostly further away than this and is taken.
    /// </summary>
    private const long OvertakenWindow = 64;

    private readonly ObserverManager<ILiveBarsObserver> _observers = new(ITimeframeGrain.ObserverLease, logger);
    private long _lastMinuteSequence = long.MinValue;
    private long _minuteProducer;

    /// <summary>The sequence of the last message pushed.</summary>
    public long Sequence => publisher.Sequence;

    /// <summary>The feeds following now, those whose lease ran out dropped first.</summary>
    public int Count
    {
        get
        {
            _observers.ClearExpired();
            return _observers.Count;
        }
    }

    public async Task<long> FollowAsync(ILiveBarsObserver observer)
    {
        _observers.Subscribe(observer, observer);

        // Every time: the instrument's grain forgets its followers when it is activated anew, and what it committed
        // meanwhile (a push lost, or sent to nobody) is caught up here, as no later push may come for a while.
        if (await symbol.FollowMinutes(timeframeKey) != _lastMinuteSequence)
        {
            await PushAsync(null);
        }

        return publisher.Sequence;
    }

    public async Task UnfollowAsync(ILiveBarsObserver observer)
    {
        _observers.Unsubscribe(observer);
        if (_observers.Count == 0)
        {
            await symbol.UnfollowMinutes(timeframeKey);
        }
    }

    /// <summary>
    /// A 1m message: pushes this timeframe's bars the watermark closed, the closed bars that changed and the open bar
    /// if it changed. One older than the last one taken (a one-way call overtaken) changes nothing: the newer one
    /// carried the newer state. With no feed left, stops following the instrument.
    /// </summary>
    public async Task OnMinutesAsync(BarEvents message)
    {
        if (Count == 0)
        {
            await symbol.UnfollowMinutes(timeframeKey);
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
    public bool Taken(long producer, long sequence) => producer == _minuteProducer && sequence <= _lastMinuteSequence;

    /// <summary>
    /// Pushes to the feeds what changed since the last push: from the 1m message when there is one, else (a catch-up)
    /// from the instrument's current state, or <paramref name="read"/> when it was just read.
    /// </summary>
    public async Task PushAsync(BarEvents? message, (LiveState Live, SealState? Seal)? read = null)
    {
        try
        {
            // A live update carries the instrument's state as of its commit: no call back to the (busy) symbol grain.
            var fromMessage = !sealedZone && message is { Events.Count: > 0 } && message.Events[^1] is { Kind: BarEventKind.Update };
            var (live, sealState) = fromMessage
                ? (new LiveState(message!.ClosedVersion, message.Events[^1].Bar, message.WatermarkUs, message.Sequence, message.Producer), null)
                : read ?? await current();
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
            await cache.EnsureAsync(live, sealState, foldable ? message : null);
            var watermarkUs = cache.WatermarkUs(live);
            var (replaceLast, append) = cache.FoldLive(live);

            // With no live minute, the last bar may still be open: its closed minutes are all it holds so far.
            var closed = cache.Closed;
            var open = replaceLast ?? append ?? (closed.Count > 0 ? closed[^1] : null);
            var events = publisher.Next(closed, open, watermarkUs, cache.RetainedFromMs, cache.Incomplete);
            foreach (var chunk in events.Chunk(TimeframePublisher.MaxMessageEvents))
            {
                var next = new BarEvents(publisher.NextSequence(), live.ClosedVersion, watermarkUs, chunk, cache.RetainedFromMs, cache.Incomplete, message?.CommittedAtMs ?? 0);
                await _observers.Notify(observer => observer.OnBars(next));
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogPublishFailed(logger, ex, timeframeKey);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish the updates of {Timeframe}; subscribers will see a sequence gap")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string timeframe);
}
