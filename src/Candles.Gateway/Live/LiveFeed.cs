using System.Threading.Channels;
using Candles.Abstractions.Grains;
using Candles.Abstractions.Streams;
using Candles.Abstractions.Wire;
using Candles.Core.Bars;
using Candles.Core.Instruments;
using Candles.Core.Timeframes;
using Candles.Gateway.Json;
using Candles.Gateway.Requests;
using Microsoft.Extensions.Logging;

namespace Candles.Gateway.Live;

/// <summary>
/// One timeframe followed by this gateway process (an observer of its grain, renewed at every check) and fanned out
/// to every subscription on it. All its work (messages, new subscribers, checks) runs in order on one loop, so a
/// subscriber's snapshot and the messages after it never cross. Each subscription is current with the grain's
/// sequence: a message that skips one (lost, or a new activation of the grain), or a grain that published while
/// nothing arrived here (the registration was lost with a silo), sends those subscribers a fresh snapshot instead.
/// </summary>
public sealed partial class LiveFeed : IAsyncDisposable
{
    private readonly Channel<Work> _work = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<Subscription> _subscribers = [];
    private readonly IClusterClient _client;
    private readonly Instrument _instrument;
    private readonly ITimeframeGrain _grain;
    private readonly ILogger _logger;
    private readonly ITimer _checks;
    private readonly Task _loop;
    private readonly Observer _observer;
    private readonly ILiveBarsObserver _reference;
    private readonly int _maxLevels;
    private readonly Action<Subscription, RequestError>? _refuse;
    private long _lastSequence = long.MinValue;
    private long _seenThrough = long.MinValue;
    private long _suspected = long.MinValue;
    private int _stalledChecks;

    /// <param name="key">The timeframe followed, and the footprint step if it is a footprint feed.</param>
    /// <param name="instrument">Its instrument, for the JSON of its bars.</param>
    /// <param name="client">The cluster client that reaches the timeframe's grain.</param>
    /// <param name="time">The clock of the checks.</param>
    /// <param name="checkPeriod">How often the grain's following is renewed and lost messages are looked for.</param>
    /// <param name="logger">Where failed steps are logged.</param>
    /// <param name="maxLevels">The most footprint levels one subscriber's snapshot may hold (<see cref="Options.GatewayOptions.MaxLevelsPerResponse"/>).</param>
    /// <param name="refuse">Ends a subscription whose snapshot would hold more, telling the client why.</param>
    public LiveFeed(
        FeedKey key, Instrument instrument, IClusterClient client, TimeProvider time, TimeSpan checkPeriod, ILogger logger,
        int maxLevels = int.MaxValue, Action<Subscription, RequestError>? refuse = null)
    {
        _maxLevels = maxLevels;
        _refuse = refuse;
        Key = key;
        _instrument = instrument;
        _client = client;
        _logger = logger;
        _grain = client.GetGrain<ITimeframeGrain>(key.TimeframeKey);
        _observer = new Observer(this);
        _reference = client.CreateObjectReference<ILiveBarsObserver>(_observer);
        Started = FollowAsync();
        _loop = Task.Run(RunAsync);
        _checks = time.CreateTimer(_ => _work.Writer.TryWrite(new CheckDue()), null, checkPeriod, checkPeriod);
    }

    public FeedKey Key { get; }

    /// <summary>Completes when the grain follows this feed; faults if it could not be asked to.</summary>
    public Task Started { get; }

    /// <summary>Subscribers of this process on this feed; the hub counts them.</summary>
    internal int References { get; set; }

    /// <summary>Sends the subscription a snapshot, then every change after it.</summary>
    public void Add(Subscription subscription) => _work.Writer.TryWrite(new Joined(subscription));

    public void Remove(Subscription subscription) => _work.Writer.TryWrite(new Left(subscription));

    /// <summary>What the grain had pushed before it followed this feed is not expected here.</summary>
    private async Task FollowAsync() => _seenThrough = Math.Max(_seenThrough, await _grain.Follow(_reference));

    /// <summary>Unbounded, so the grain's push never waits on this feed; after the feed ended, items are dropped.</summary>
    private void Post(Work work) => _work.Writer.TryWrite(work);

    private async Task RunAsync()
    {
        await foreach (var work in _work.Reader.ReadAllAsync())
        {
            try
            {
                switch (work)
                {
                    case Arrived m: await OnMessageAsync(m.Events); break;
                    case Joined a: _subscribers.Add(a.Subscription); await SnapshotAsync([a.Subscription]); break;
                    case Left r: _subscribers.Remove(r.Subscription); break;
                    case CheckDue: await CheckAsync(); break;
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Subscribers not brought up to date stay behind (StreamSequence MinValue) and get a snapshot at the next check.
                LogWorkFailed(_logger, ex, Key.TimeframeKey);
            }
        }
    }

    private async Task OnMessageAsync(BarEvents message)
    {
        if (message.Sequence <= _lastSequence)
        {
            return;
        }

        _lastSequence = message.Sequence;
        _seenThrough = Math.Max(_seenThrough, message.Sequence);
        List<Subscription> behind = [];
        List<LiveEvent>? events = null;
        var built = false;
        foreach (var subscription in _subscribers)
        {
            if (message.Sequence <= subscription.StreamSequence)
            {
                continue;
            }

            if (subscription.StreamSequence != message.Sequence - 1)
            {
                behind.Add(subscription);
                continue;
            }

            if (!built)
            {
                events = await TryToLiveEventsAsync(message);
                built = true;
            }

            if (events is null)
            {
                // What this message said cannot be sent: a snapshot brings these subscribers past it.
                behind.Add(subscription);
                continue;
            }

            try
            {
                foreach (var e in events)
                {
                    subscription.Deliver(e);
                }

                subscription.StreamSequence = message.Sequence;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // One client's failure is its own: the others still get this message.
                LogWorkFailed(_logger, ex, Key.TimeframeKey);
                subscription.StreamSequence = long.MinValue;
            }
        }

        if (behind.Count > 0)
        {
            LogGap(_logger, Key.TimeframeKey, behind.Count);
            LiveMetrics.Resnapshot(behind.Count, "gap");
            await SnapshotAsync(behind);
        }
    }

    /// <summary>Bars of one message opening at most this far apart have their footprints read together: 16 bars (40 days for calendar bars).</summary>
    private long ReadTogetherMs => Key.Timeframe.IsIntraday ? 16 * Key.Timeframe.LengthMs : 40 * Timeframe.DayMs;

    /// <summary>The message's bars as sent to clients, or null when they cannot be had (logged).</summary>
    private async Task<List<LiveEvent>?> TryToLiveEventsAsync(BarEvents message)
    {
        try
        {
            return await ToLiveEventsAsync(message);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogWorkFailed(_logger, ex, Key.TimeframeKey);
            return null;
        }
    }

    /// <summary>
    /// The message's bars as sent to clients. A footprint feed reads the footprints of the message's bars on its grid
    /// in one call; if one is missing there, null: the subscribers get a snapshot instead of a hole.
    /// </summary>
    private async Task<List<LiveEvent>?> ToLiveEventsAsync(BarEvents message)
    {
        Dictionary<long, Bar>? footprints = null;
        if (Key.StepTicks is not null && message.Events.Count > 0)
        {
            // Bars close together in one read; a correction of an old bar beside the live one in a read of its own,
            // so the grain does not compose every footprint between them.
            footprints = [];
            List<long> times = [.. message.Events.Select(e => e.Bar.Candle.OpenTimeMs).Distinct().Order()];
            var first = 0;
            for (var i = 1; i <= times.Count; i++)
            {
                if (i < times.Count && times[i] - times[i - 1] <= ReadTogetherMs)
                {
                    continue;
                }

                var page = await _grain.GetBars(new BarsQuery(times[first], times[i - 1] + 1, int.MaxValue, Key.StepTicks));
                foreach (var bar in page.Bars)
                {
                    footprints[bar.Candle.OpenTimeMs] = bar;
                }

                first = i;
            }
        }

        List<LiveEvent> events = new(message.Events.Count);
        foreach (var e in message.Events)
        {
            var closed = e.Kind != BarEventKind.Update;
            var kind = e.Kind == BarEventKind.Correction ? LiveEventKind.Correction : LiveEventKind.Update;
            var complete = message.IsComplete(e.Bar);
            if (footprints is null)
            {
                events.Add(new LiveEvent(kind, CandleJson.From(e.Bar, closed, complete, _instrument), message.CommittedAtMs));
            }
            else if (footprints.TryGetValue(e.Bar.Candle.OpenTimeMs, out var footprint))
            {
                // Closed as the event says: a live update read after its bar closed is not a second close.
                events.Add(new LiveEvent(kind, FootprintJson.From(footprint, closed, complete, _instrument), message.CommittedAtMs));
            }
            else
            {
                return null;
            }
        }

        return events;
    }

    /// <summary>
    /// One read of the timeframe for all these subscribers (the longest history asked, plus the live bar), each given
    /// its tail: its history of closed bars and the live bar if there is one. A footprint snapshot over the level
    /// limit is not sent: that subscription is refused with the reason.
    /// </summary>
    private async Task SnapshotAsync(List<Subscription> subscriptions)
    {
        // One that ended (unsubscribed, refused) while it waited here is not read for again.
        subscriptions = [.. subscriptions.Where(s => s.Active)];
        if (subscriptions.Count == 0)
        {
            return;
        }

        foreach (var s in subscriptions)
        {
            s.StreamSequence = long.MinValue;
        }

        var history = subscriptions.Max(s => s.History) + 1;
        var snapshot = await _grain.Snapshot(new BarsQuery(long.MinValue, long.MaxValue, history, Key.StepTicks));
        var page = snapshot.Page.Bars;
        List<LiveEvent> bars = [.. page.Select(b => new LiveEvent(LiveEventKind.Update, ToJson(b, snapshot.Page)))];
        var live = bars.Count > 0 && !bars[^1].Bar.Closed ? 1 : 0;
        foreach (var subscription in subscriptions)
        {
            var count = Math.Min(bars.Count, subscription.History + live);
            if (Key.StepTicks is not null && ResponseLimits.TooManyLevels(page.Skip(page.Count - count), _maxLevels) is { } tooMany)
            {
                _refuse?.Invoke(subscription, tooMany);
                continue;
            }

            subscription.StreamSequence = snapshot.Sequence;
            subscription.Snapshot(bars.GetRange(bars.Count - count, count));
        }
    }

    private CandleJson ToJson(Bar bar, BarsPage page) =>
        Key.StepTicks is null ? CandleJson.From(bar, page, _instrument) : FootprintJson.From(bar, page, _instrument);

    /// <summary>
    /// Renews the grain's following of this feed, cuts off clients too far behind, brings up subscribers a failed
    /// snapshot left behind, and follows anew when the grain has sent messages that never arrived here by the next check.
    /// </summary>
    private async Task CheckAsync()
    {
        foreach (var subscription in _subscribers)
        {
            subscription.Outbox.CheckLag();
        }

        var published = await _grain.Follow(_reference);
        if (published < _seenThrough)
        {
            // Within one activation the grain's sequence only rises: this is a new one, started on a silo whose clock is
            // behind the last one's. Its messages would all look old here, so everything starts again from it.
            var seen = _seenThrough;
            (_lastSequence, _seenThrough) = (long.MinValue, long.MinValue);

            // Behind until snapshotted again, so a failed follow or snapshot is retried by the next check.
            foreach (var subscription in _subscribers)
            {
                subscription.StreamSequence = long.MinValue;
            }

            await ResubscribeAsync($"the grain's sequence went back from {seen} to {published}");
            return;
        }

        var behind = _subscribers.Where(s => s.StreamSequence == long.MinValue).ToList();
        if (behind.Count > 0)
        {
            await SnapshotAsync(behind);
        }

        if (published <= _seenThrough || _subscribers.Count == 0)
        {
            (_suspected, _stalledChecks) = (long.MinValue, 0);
            return;
        }

        // Still short of what the grain had published two checks ago: lost, not merely late on a busy machine.
        if (_suspected != long.MinValue && _seenThrough < _suspected && ++_stalledChecks >= 2)
        {
            await ResubscribeAsync($"messages stopped at {_seenThrough} while the grain published {published}");
            return;
        }

        if (_suspected == long.MinValue || _seenThrough >= _suspected)
        {
            (_suspected, _stalledChecks) = (published, 0);
        }
    }

    private async Task ResubscribeAsync(string reason)
    {
        LogResubscribing(_logger, Key.TimeframeKey, reason);
        (_suspected, _stalledChecks) = (long.MinValue, 0);
        await FollowAsync();
        if (_subscribers.Count > 0)
        {
            LiveMetrics.Resnapshot(_subscribers.Count, "lost");
            await SnapshotAsync([.. _subscribers]);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _checks.DisposeAsync();
        try
        {
            await Started;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogWorkFailed(_logger, ex, Key.TimeframeKey);
        }

        _work.Writer.TryComplete();
        await _loop;
        foreach (var subscription in _subscribers)
        {
            subscription.Dispose();
        }

        try
        {
            await _grain.Unfollow(_reference);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The grain lets the registration lapse by itself.
            LogWorkFailed(_logger, ex, Key.TimeframeKey);
        }

        // The reference, not the observer: the client keeps what it registered until told which reference to drop.
        _client.DeleteObjectReference<ILiveBarsObserver>(_reference);
    }

    /// <summary>The grain's pushes, queued on the feed's loop.</summary>
    private sealed class Observer(LiveFeed feed) : ILiveBarsObserver
    {
        public Task OnBars(BarEvents message)
        {
            feed.Post(new Arrived(message));
            return Task.CompletedTask;
        }
    }

    private abstract record Work;

    private sealed record Arrived(BarEvents Events) : Work;

    private sealed record Joined(Subscription Subscription) : Work;

    private sealed record Left(Subscription Subscription) : Work;

    private sealed record CheckDue : Work;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live feed {Feed} failed a step; its subscribers get a snapshot at the next check")]
    private static partial void LogWorkFailed(ILogger logger, Exception exception, string feed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Live feed {Feed} saw a sequence gap; {Count} subscribers get a new snapshot")]
    private static partial void LogGap(ILogger logger, string feed, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live feed {Feed} asks its grain to follow it anew: {Reason}")]
    private static partial void LogResubscribing(ILogger logger, string feed, string reason);
}
