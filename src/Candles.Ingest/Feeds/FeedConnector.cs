using Candles.Abstractions.Wire;
using Candles.Core.Instruments;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Candles.Ingest.Feeds;

/// <summary>
/// One connection's worth of a venue's instruments (at most its streams-per-connection limit): defines them from
/// the venue's grids, resumes each where its grain is, and keeps one WebSocket open: reopened with exponential
/// backoff and jitter when it drops, and replaced before the venue's own cut-off by a new connection opened first.
/// </summary>
public sealed partial class FeedConnector(
    Venue venue,
    VenueFeedOptions options,
    IReadOnlyList<string> symbols,
    ITickTarget target,
    HttpClient rest,
    ILogger logger,
    TimeProvider? clock = null)
{
    /// <summary>How long a reopened connection must last before it counts as up.</summary>
    private static readonly TimeSpan ReopenProbation = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The wait before a connection with a refused subscription is replaced, doubled for each refusal in a row up to the
    /// most: each replacement catches every symbol of the connection up over REST, which a symbol refused for good must
    /// not cost the venue's rate limit every minute.
    /// </summary>
    private static readonly TimeSpan RefusedFirstWait = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RefusedMaxWait = TimeSpan.FromMinutes(10);

    private readonly Dictionary<string, SymbolFeed> _feeds = new(StringComparer.Ordinal);

    public FeedCounters Counters { get; } = new();

    /// <summary>Reopens a connection until it is confirmed; never gives up.</summary>
    private readonly ResiliencePipeline _reconnect = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => ex is not OperationCanceledException),
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(250),
            MaxDelay = TimeSpan.FromSeconds(30),
        })
        .Build();

    /// <summary>
    /// Delivery to an instrument that cannot take ticks now (moving, its store down): retried without end, unless it was
    /// defined again with other grids.
    /// </summary>
    private readonly ResiliencePipeline _deliver = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => ex is not (OperationCanceledException or InstrumentGridsChangedException)),
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(100),
            MaxDelay = TimeSpan.FromSeconds(5),
        })
        .Build();

    public async Task RunAsync(CancellationToken cancellation)
    {
        var instruments = await _reconnect.ExecuteAsync(
            async token => await venue.GetInstrumentsAsync(rest, symbols, token),
            cancellation);
        List<Func<CancellationToken, Task>> running = [];
        foreach (var grid in instruments)
        {
            // A grid the venue gives that is no increment (Binance's 0 for a filter it turned off) leaves that symbol out,
            // not every symbol of the connection.
            if (!Increment.TryParse(grid.TickSize, out var tick, out var gridError) || !Increment.TryParse(grid.QuantityStep, out var step, out gridError))
            {
                LogBadGrid(logger, venue.InstrumentId(grid.Symbol), grid.TickSize, grid.QuantityStep, gridError);
                continue;
            }

            var spec = new InstrumentSpec(venue.InstrumentId(grid.Symbol), tick.ToString(), step.ToString());
            var outcome = await _deliver.ExecuteAsync(async token => await target.DefineAsync(spec, token), cancellation);
            if (outcome == DefineOutcome.Conflict)
            {
                LogGridConflict(logger, spec.Id, spec.TickSize, spec.QuantityStep);
                continue;
            }

            var position = await _deliver.ExecuteAsync(async token => await target.GetPositionAsync(spec.Id, token), cancellation);
            var feed = new SymbolFeed(venue, options, grid.Symbol, spec.ToInstrument(), target, rest, Counters, _deliver, clock ?? TimeProvider.System, logger);
            feed.Start(position);
            _feeds[grid.Symbol] = feed;
            running.Add(feed.RunAsync);
        }

        if (_feeds.Count == 0)
        {
            return;
        }

        // A feed that fails (its instrument defined again with other grids) stops the connector, which starts again later.
        running.Add(ConnectAsync);
        await Together.RunAsync(running, cancellation);
    }

    private async Task ConnectAsync(CancellationToken cancellation)
    {
        var url = venue.StreamUrl(new Uri(options.WebSocketUrl ?? venue.DefaultWebSocketUrl.ToString()), options);
        var lifetime = options.ConnectionLifetime > TimeSpan.Zero ? options.ConnectionLifetime
            : venue.ConnectionLimit is { } limit ? limit - TimeSpan.FromMinutes(10) : Timeout.InfiniteTimeSpan;
        var subscribed = _feeds.Keys.ToList();
        var session = await OpenAsync(url, subscribed, cancellation);

        // Refusals in a row (each within twice the longest wait of the one before), for the wait before the next replacement.
        var (refusals, refusedAtMs) = (0, long.MinValue / 2);

        // Subscribed: each instrument is caught up from where it was, now that later trades come live.
        Reconnected();
        try
        {
            while (true)
            {
                // The lifetime's wait goes with each pass: a pass that ends otherwise leaves nothing registered on the token.
                using var lifetimeOver = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
                var due = Task.Delay(lifetime, lifetimeOver.Token);
                var refused = await Task.WhenAny(session.Reading, due, session.Refused) == session.Refused;
                if (refused)
                {
                    var nowMs = Environment.TickCount64;
                    (refusals, refusedAtMs) = (nowMs - refusedAtMs > 2 * RefusedMaxWait.TotalMilliseconds ? 1 : refusals + 1, nowMs);
                    await WaitToReplaceRefusedAsync(session, refusals, url, cancellation);
                }

                // A connection that ended is reopened below, on probation (a venue's error before it disconnects, as
                // Coinbase sends, is such an end). One that lasted its lifetime, or was refused, is replaced here: the new
                // connection reads before the old one closes. Opening it may take retries; if the old one ends before the
                // new one is up, the trades between are caught up from where each feed was when the replacement began.
                if (!session.Reading.IsCompleted)
                {
                    HoldPositions();
                    var next = await OpenAsync(url, subscribed, cancellation);
                    var dropped = session.Reading.IsCompleted;
                    await session.DisposeAsync();
                    session = next;
                    if (dropped)
                    {
                        Counters.Dropped();
                        LogDroppedWhileReplaced(logger, venue.Name, url);
                    }
                    else
                    {
                        Counters.RolledOver();
                    }

                    // Without consecutive ids, one catch-up a symbol from where the replacement began even so: a trade the old
                    // connection brought after a later one from the new is dropped as a repeat, and a venue that takes
                    // subscriptions in chunks (Bybit) is up at its first answer, maybe before every chunk is active. After a
                    // refusal too: a quiet symbol the old connection did not serve shows no gap until its next trade.
                    if (dropped || refused || !venue.ContiguousTradeIds)
                    {
                        Reconnected();
                    }
                    else
                    {
                        foreach (var feed in _feeds.Values)
                        {
                            feed.ReplacedWithoutGap();
                        }
                    }

                    continue;
                }

                Counters.Dropped();
                LogDropped(logger, venue.Name, url);
                HoldPositions();
                await session.DisposeAsync();
                session = await OpenAsync(url, subscribed, cancellation, probation: ReopenProbation);
                Reconnected();
            }
        }
        finally
        {
            await session.DisposeAsync();
        }
    }

    /// <summary>
    /// The venue refused a subscription of the connection (a rate limit, or a symbol it will not serve now), so some of its
    /// symbols may get no trade at all, and nothing would show them missing. It is replaced after a doubling wait, as
    /// one that lasted its lifetime is; it reads on meanwhile, so a symbol the venue keeps refusing leaves the others
    /// served. Its symbols are caught up once the replacement is up. Jitter, so connectors refused together (a rate limit)
    /// do not try again in step. The wait ends early if the connection does.
    /// </summary>
    private async Task WaitToReplaceRefusedAsync(FeedSession session, int refusals, Uri url, CancellationToken cancellation)
    {
        var doubled = Math.Min(RefusedMaxWait.Ticks, RefusedFirstWait.Ticks << Math.Min(refusals - 1, 16));
        var wait = TimeSpan.FromTicks((long)(doubled * (0.75 + (Random.Shared.NextDouble() / 2))));
        LogReplacingRefused(logger, venue.Name, url, wait.TotalSeconds);
        await Task.WhenAny(session.Reading, Task.Delay(wait, cancellation));
        cancellation.ThrowIfCancellationRequested();
    }

    private void HoldPositions()
    {
        foreach (var feed in _feeds.Values)
        {
            feed.HoldPosition();
        }
    }

    private void Reconnected()
    {
        foreach (var feed in _feeds.Values)
        {
            feed.Reconnected();
        }
    }

    /// <summary>
    /// Opens and subscribes a connection, retried with backoff until it is confirmed. With a probation, a connection
    /// the venue cuts within it (a rate limit, a ban) is a failed attempt too, so a venue that drops every new
    /// connection at once is not hammered; its trades in the meantime are taken all the same.
    /// </summary>
    private async Task<FeedSession> OpenAsync(Uri url, List<string> subscribed, CancellationToken cancellation, TimeSpan probation = default)
    {
        var session = await _reconnect.ExecuteAsync(
            async token =>
            {
                var opened = await FeedSession.OpenAsync(venue, options, url, subscribed, Handle, Counters.Unknown, token);
                if (probation > TimeSpan.Zero && await Task.WhenAny(opened.Reading, Task.Delay(probation, token)) == opened.Reading)
                {
                    await opened.DisposeAsync();
                    Counters.Dropped();
                    throw new IOException($"{venue.Name} closed the connection within {probation.TotalSeconds:0.#} s of opening it");
                }

                return opened;
            },
            cancellation);
        Counters.Connected();
        LogConnected(logger, venue.Name, url, subscribed.Count);
        return session;
    }

    /// <summary>
    /// One message of a connection: its trades go to their instruments; anything else is counted. False for an error from
    /// the venue, which answers a request of ours: a subscription refused, so the connection is replaced.
    /// </summary>
    private bool Handle(ReadOnlyMemory<byte> message)
    {
        Counters.Message();
        List<VenueTrade> trades = [];
        switch (venue.Parse(message, trades, out var detail))
        {
            case FeedMessageKind.Trades:
                foreach (var trade in trades)
                {
                    if (_feeds.TryGetValue(trade.Symbol, out var feed))
                    {
                        Counters.Trade();
                        feed.Offer(trade);
                    }
                    else
                    {
                        Counters.Unknown();
                    }
                }

                break;
            case FeedMessageKind.LastTrade:
                foreach (var last in trades)
                {
                    if (_feeds.TryGetValue(last.Symbol, out var feed))
                    {
                        feed.VenueLastTrade(last.TradeId, last.TimeUs);
                    }
                }

                break;
            case FeedMessageKind.Malformed:
                Counters.Malformed();
                LogMalformed(logger, venue.Name, message.Length);
                break;
            case FeedMessageKind.Unknown:
                Counters.Unknown();
                break;
            case FeedMessageKind.VenueError:
                Counters.VenueError();
                LogVenueError(logger, venue.Name, detail);
                return false;
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Instrument {Instrument} is not followed: the venue's grids (tick {TickSize}, step {QuantityStep}) are no increments: {Reason}")]
    private static partial void LogBadGrid(ILogger logger, string instrument, string tickSize, string quantityStep, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Instrument} is defined with other grids than the venue's (tick {TickSize}, step {QuantityStep}); its feed is not started")]
    private static partial void LogGridConflict(ILogger logger, string instrument, string tickSize, string quantityStep);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Venue} connected to {Url} for {Count} instrument(s)")]
    private static partial void LogConnected(ILogger logger, string venue, Uri url, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Venue} connection to {Url} dropped; reconnecting")]
    private static partial void LogDropped(ILogger logger, string venue, Uri url);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Venue} refused a subscription of the connection to {Url}: it is replaced in {Seconds:0.#} s and its instruments caught up")]
    private static partial void LogReplacingRefused(ILogger logger, string venue, Uri url, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Venue} connection to {Url} dropped before its replacement was up; catching up")]
    private static partial void LogDroppedWhileReplaced(ILogger logger, string venue, Uri url);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Venue} sent a malformed message ({Bytes} bytes); skipped")]
    private static partial void LogMalformed(ILogger logger, string venue, int bytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Venue} refused a request: {Detail}")]
    private static partial void LogVenueError(ILogger logger, string venue, string? detail);
}
