namespace Candles.Ingest.Feeds;

/// <summary>What one WebSocket message from a venue was.</summary>
public enum FeedMessageKind
{
    /// <summary>Trades, added to the caller's list.</summary>
    Trades,

    /// <summary>A subscription acknowledgement, pong or heartbeat: proof the connection is alive, nothing to apply.</summary>
    Control,

    /// <summary>
    /// The venue's newest trade of a symbol (Coinbase's heartbeat), as the one entry added to the caller's list: its symbol,
    /// id and time only, no price or quantity. A venue with consecutive ids so shows trades missed in a quiet market,
    /// where no later trade would show the gap until the market trades again.
    /// </summary>
    LastTrade,

    /// <summary>The venue reported an error (bad subscription, rate limit); the text says which.</summary>
    VenueError,

    /// <summary>Not the JSON the venue documents: counted and skipped, the connection stays.</summary>
    Malformed,

    /// <summary>Well-formed but of a kind this connector does not use: counted and skipped.</summary>
    Unknown,
}
