using System.Threading.Channels;
using Candles.Abstractions.Grains;
using Candles.Abstractions.Streams;
using Candles.Abstractions.Wire;
using Candles.Core.Instruments;
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
    private readonly ITimeframeGrain _grain;
    private readonly FeedEvents _events;
    private readonly ILogger _logger;
    private readonly ITimer _checks;
    private readonly Task _loop;
    private readonly Observer _observer;
    private readonly ILiveBarsObserver _reference;
    private readonly int _maxLevels;
    private readonly Action<Subscription, RequestError>? _refuse;
    private readonly FeedSequence _sequence = new();

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
        _client = client;
        _logger = logger;
        _grain = client.GetGrain<ITimeframeGrain>(key.TimeframeKey);
        _events = new FeedEvents(key, instrument, _grain);
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
    private async Task FollowAsync() => _sequence.Followed(await _grain.Follow(_reference));

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
        if (!_sequence.Arrived(message.Sequence))
        {
            return;
        }

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

    /// <summary>The message's bars as sent to clients, or null when they cannot be had (logged).</summary>
    private async Task<List<LiveEvent>?> TryToLiveEventsAsync(BarEvents message)
    {
        try
        {
            return await _events.OfAsync(message);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogWorkFailed(_logger, ex, Key.TimeframeKey);
            return null;
        }
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
        List<LiveEvent> bars = [.. page.Select(b => new LiveEvent(LiveEventKind.Update, _events.Of(b, snapshot.Page)))];
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
        var seen = _sequence.SeenThrough;
        if (_sequence.WentBack(published))
        {
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

        if (_sequence.Lost(published, watched: _subscribers.Count > 0))
        {
            await ResubscribeAsync($"messages stopped at {_sequence.SeenThrough} while the grain published {published}");
        }
    }

    private async Task ResubscribeAsync(string reason)
    {
        LogResubscribing(_logger, Key.TimeframeKey, reason);
        _sequence.Resumed();
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
