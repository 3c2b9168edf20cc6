namespace Candles.Ingest.Feeds;

/// <summary>
/// One exchange's public trade feed as its documentation specifies it: the WebSocket subscription and
/// messages, the keepalive it needs, and the REST endpoints for instrument grids and missed trades. A venue
/// object holds no state: connections and bookkeeping are the <see cref="FeedConnector"/>'s.
/// </summary>
public abstract class Venue
{
    /// <summary>The configuration name, <c>Candles:Feeds:{Name}</c>: Binance, Bybit, Coinbase, Okx.</summary>
    public abstract string Name { get; }

    /// <summary>The instrument id prefix: <c>BINANCE</c> makes <c>BINANCE:BTCUSDT</c>.</summary>
    public abstract string Prefix { get; }

    public abstract Uri DefaultWebSocketUrl { get; }

    public abstract Uri DefaultRestUrl { get; }

    /// <summary>The venue's limit of subscriptions per connection; more instruments are sharded over connections.</summary>
    public abstract int MaxStreamsPerConnection { get; }

    /// <summary>When the venue cuts a connection by itself (Binance: 24 h); the connector replaces it before.</summary>
    public virtual TimeSpan? ConnectionLimit => null;

    /// <summary>
    /// REST requests a second one silo sends the venue at most, under its per-IP limit with room to spare: more wait their
    /// turn, so a reconnect's catch-up of every symbol at once does not get the address banned.
    /// </summary>
    public abstract int RestRequestsPerSecond { get; }

    /// <summary>How many REST requests may go at once after a quiet spell, within the venue's window as well.</summary>
    public abstract int RestBurst { get; }

    /// <summary>Trade ids of an instrument are consecutive integers, so a missing id is a missed trade.</summary>
    public virtual bool ContiguousTradeIds => false;

    /// <summary>The text the venue wants as an application-level ping, if it wants one.</summary>
    public virtual string? KeepAliveMessage => null;

    /// <summary>The symbol as the venue spells it in requests (Binance: upper case), or null when it cannot be one.</summary>
    public abstract string? NormalizeSymbol(string symbol);

    /// <summary>The address to connect to, from the configured WebSocket URL.</summary>
    public virtual Uri StreamUrl(Uri webSocketUrl, VenueFeedOptions options) => webSocketUrl;

    /// <summary>The messages that subscribe one connection to these symbols' trades.</summary>
    public abstract IReadOnlyList<string> SubscribeMessages(IReadOnlyList<string> symbols, VenueFeedOptions options);

    /// <summary>Reads one text message; the trades in it go to <paramref name="trades"/>.</summary>
    public abstract FeedMessageKind Parse(ReadOnlyMemory<byte> message, List<VenueTrade> trades, out string? detail);

    /// <summary>The grids of these symbols; throws <see cref="UnknownSymbolsException"/> naming those the venue does not list.</summary>
    public abstract Task<IReadOnlyList<VenueInstrument>> GetInstrumentsAsync(HttpClient rest, IReadOnlyList<string> symbols, CancellationToken cancellation);

    /// <summary>
    /// The trades with <paramref name="afterId"/> &lt; id &lt; <paramref name="beforeId"/> (no upper bound when null),
    /// at most <paramref name="maxTrades"/>, ascending, as far as the venue's REST history reaches.
    /// </summary>
    public abstract Task<TradeRange> GetTradesAsync(
        HttpClient rest, string symbol, long afterId, long? beforeId, int maxTrades, VenueFeedOptions options, CancellationToken cancellation);

    public string InstrumentId(string symbol) => $"{Prefix}:{symbol}";

    public override string ToString() => Name;
}
