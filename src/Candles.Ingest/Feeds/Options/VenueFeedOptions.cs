namespace Candles.Ingest.Feeds;

/// <summary>One venue's feed: section <c>Candles:Feeds:{Venue}</c>, e.g. <c>Candles__Feeds__Binance__WebSocketUrl</c>.</summary>
public sealed class VenueFeedOptions
{
    /// <summary>The venue's symbols, comma separated: <c>BTCUSDT,ETHUSDT</c> (Coinbase and OKX: <c>BTC-USD</c>).</summary>
    public string Instruments { get; set; } = string.Empty;

    /// <summary>The WebSocket address; default the venue's public one.</summary>
    public string? WebSocketUrl { get; set; }

    /// <summary>The REST base address; default the venue's public one.</summary>
    public string? RestUrl { get; set; }

    /// <summary>Binance only: <c>trade</c> (every trade) or <c>aggTrade</c> (trades aggregated by taker order).</summary>
    public string Stream { get; set; } = "trade";

    /// <summary>Subscriptions per connection; 0 takes the venue's limit.</summary>
    public int MaxStreamsPerConnection { get; set; }

    /// <summary>A connection is replaced by a new one (opened first) after this long; 0 takes the venue's rule.</summary>
    public TimeSpan ConnectionLifetime { get; set; }

    /// <summary>How often the connector pings (WebSocket ping frames, and the venue's own ping where it wants one).</summary>
    public TimeSpan KeepAlivePeriod { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>A connection that answers neither pings nor subscriptions within this is dropped and reopened.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a missing trade id may stay missing (arriving late, or from the other connection) before REST fetches it.</summary>
    public TimeSpan GapWait { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a gap's fetch is tried again, with a growing wait, while the venue gives no answer (an error, a timeout, a
    /// rate limit) before its trades are given up and their minutes marked incomplete. A venue that answers without them
    /// has them given up at once.
    /// </summary>
    public TimeSpan BackfillRetryFor { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>At most this many trades are fetched over REST for one gap; the rest is marked incomplete.</summary>
    public int MaxBackfillTrades { get; set; } = 100_000;

    /// <summary>
    /// REST requests a second this silo sends the venue at most (more wait their turn); 0 takes the venue's default, under
    /// its per-IP limit. Silos that share an address share the venue's limit: divide it among them.
    /// </summary>
    public int RestRequestsPerSecond { get; set; }

    /// <summary>REST requests that may go at once after a quiet spell; 0 takes the venue's default (with the venue's rate) or the rate.</summary>
    public int RestBurst { get; set; }

    /// <summary>The REST rate in use: the setting, or the venue's default.</summary>
    public int RestRateFor(Venue venue) => RestRequestsPerSecond > 0 ? RestRequestsPerSecond : venue.RestRequestsPerSecond;

    /// <summary>The REST burst in use: the setting; else the venue's with its own rate, or a second's worth of a rate set here.</summary>
    public int RestBurstFor(Venue venue) => RestBurst > 0 ? RestBurst : RestRequestsPerSecond > 0 ? RestRequestsPerSecond : venue.RestBurst;

    /// <summary>At most this many ticks go to an instrument's grain in one call.</summary>
    public int BatchSize { get; set; } = 5_000;

    /// <summary>
    /// The most trades an instrument's feed holds for it while it takes none (its store down); later ones are given up
    /// and their minutes marked incomplete. About 40 bytes a trade.
    /// </summary>
    public int MaxQueuedTicks { get; set; } = 1_000_000;

    /// <summary>The configured symbols, trimmed, without empty entries or repeats.</summary>
    public IReadOnlyList<string> Symbols =>
        [.. Instruments.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal)];
}
