using Candles.Core.Instruments;
using Candles.Gateway.Options;
using Candles.Gateway.Requests;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Candles.Gateway.Live;

/// <summary>
/// The live feeds of this gateway process: one per <see cref="FeedKey"/>, made by its first subscriber and ended
/// when its last one leaves. WebSocket and gRPC subscriptions both come here.
/// </summary>
public sealed partial class LiveFeedHub(IClusterClient client, InstrumentDirectory instruments, IOptions<GatewayOptions> options, TimeProvider time, ILoggerFactory loggers) : IAsyncDisposable
{
    private readonly Dictionary<FeedKey, LiveFeed> _feeds = [];
    private readonly ILogger _logger = loggers.CreateLogger<LiveFeed>();

    /// <summary>The clock of coalescing, lag and feed checks (the host's <see cref="TimeProvider"/>).</summary>
    public TimeProvider Time { get; } = time;

    /// <summary>How many feeds (stream subscriptions) this process holds.</summary>
    public int FeedCount
    {
        get
        {
            lock (_feeds)
            {
                return _feeds.Count;
            }
        }
    }

    /// <summary>The interval between two live updates of one subscription; zero sends every change.</summary>
    public TimeSpan MinUpdateInterval => options.Value.MaxUpdatesPerSecond <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(1.0 / options.Value.MaxUpdatesPerSecond);

    /// <summary>
    /// Checks what the client asked for and starts the subscription, or says what was wrong with the codes of the
    /// live protocol: <c>unknown_instrument</c>, <c>bad_timeframe</c>, <c>bad_zone</c>, else <c>bad_request</c>.
    /// </summary>
    public async Task<(Subscription? Subscription, RequestError? Error)> OpenAsync(string idJson, SubscribeArguments args, ClientOutbox outbox)
    {
        var max = options.Value.MaxLimit;
        var history = args.History ?? options.Value.DefaultLimit;
        if (history < 0 || history > max)
        {
            return (null, new RequestError("bad_request", $"history {history} is not a whole number from 0 to {max}"));
        }

        if (!args.Footprint && args.Step is not null)
        {
            return (null, new RequestError("bad_request", "a step is given with \"footprint\": true only"));
        }

        var text = new BarRequestText(args.Instrument, args.Timeframe, args.Zone, Step: args.Step);
        var (request, error) = await BarRequest.ParseAsync(text, instruments, options.Value, step: args.Footprint);
        if (request is null)
        {
            var code = error!.Code switch
            {
                "unknown_instrument" or "bad_timeframe" or "bad_zone" => error.Code,
                _ => "bad_request",
            };
            return (null, error with { Code = code });
        }

        var key = new FeedKey(request.Instrument.Id.Value, request.Timeframe, request.Zone, request.Query.FootprintStepTicks);
        var subscription = new Subscription(idJson, key, history, outbox, MinUpdateInterval, Time);
        await SubscribeAsync(subscription, request.Instrument);
        return (subscription, null);
    }

    /// <summary>Starts the subscription on its feed: a snapshot first, then every change. Throws if the stream cannot be followed.</summary>
    private async Task SubscribeAsync(Subscription subscription, Instrument instrument)
    {
        LiveFeed feed;
        lock (_feeds)
        {
            if (!_feeds.TryGetValue(subscription.Key, out feed!))
            {
                feed = new LiveFeed(subscription.Key, instrument, client, Time, options.Value.FeedCheckPeriod, _logger, options.Value.MaxLevelsPerResponse, Refuse);
                _feeds[subscription.Key] = feed;
                LiveMetrics.FeedStarted();
            }

            feed.References++;
        }

        LiveMetrics.SubscriptionOpened();

        try
        {
            await feed.Started;
        }
        catch
        {
            Unsubscribe(subscription);
            throw;
        }

        feed.Add(subscription);
    }

    /// <summary>
    /// Ends a subscription its feed cannot serve (a footprint snapshot over the level limit) with an error that says
    /// why: <c>bad_request</c> on WebSocket, <c>ResourceExhausted</c> on gRPC, as the same read over REST is refused.
    /// </summary>
    private void Refuse(Subscription subscription, RequestError error)
    {
        // Once: messages that came while its snapshot was read find it behind, and the feed may snapshot it again.
        if (!subscription.Active)
        {
            return;
        }

        subscription.Outbox.Enqueue(Outgoing.ForError(subscription.IdJson, "bad_request", error.Message, error.Status));
        Unsubscribe(subscription);
    }

    /// <summary>Ends the subscription; the feed ends with its last one.</summary>
    public void Unsubscribe(Subscription subscription)
    {
        if (!subscription.TryEnd())
        {
            return;
        }

        subscription.Dispose();
        LiveMetrics.SubscriptionEnded();
        LiveFeed? ended = null;
        lock (_feeds)
        {
            if (_feeds.TryGetValue(subscription.Key, out var feed))
            {
                feed.Remove(subscription);
                if (--feed.References == 0)
                {
                    _feeds.Remove(subscription.Key);
                    LiveMetrics.FeedEnded();
                    ended = feed;
                }
            }
        }

        if (ended is not null)
        {
            _ = EndAsync(ended);
        }
    }

    /// <summary>Ends a feed no subscriber is left on; what fails is logged, never thrown at whoever left last.</summary>
    private async Task EndAsync(LiveFeed feed)
    {
        try
        {
            await feed.DisposeAsync();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogEndFailed(_logger, ex, feed.Key.TimeframeKey);
        }
    }

    public async ValueTask DisposeAsync()
    {
        List<LiveFeed> feeds;
        lock (_feeds)
        {
            feeds = [.. _feeds.Values];
            _feeds.Clear();
        }

        foreach (var feed in feeds)
        {
            await EndAsync(feed);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live feed {Feed} did not end cleanly")]
    private static partial void LogEndFailed(ILogger logger, Exception exception, string feed);
}
