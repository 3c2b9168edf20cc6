namespace Candles.Gateway.Options;

/// <summary>Gateway settings: section <c>Candles:Gateway</c>; the ingest key is <c>Candles:Ingest:ApiKey</c>.</summary>
public sealed class GatewayOptions
{
    public const string Section = "Candles:Gateway";

    /// <summary>Bars returned when a request names no limit.</summary>
    public int DefaultLimit { get; set; } = 500;

    /// <summary>The most bars one request may ask for; also the most history a subscription may ask for.</summary>
    public int MaxLimit { get; set; } = 5000;

    /// <summary>The most ticks one ingest request may carry.</summary>
    public int MaxIngestTicks { get; set; } = 100_000;

    /// <summary>How far past the clock a tick's time may be (<c>Candles:Ingest:MaxFutureSkew</c>): a batch with a later tick, or one before 2009, is refused.</summary>
    public TimeSpan MaxFutureSkew { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The most footprint price levels one footprint or heatmap response may carry: a request over it is refused
    /// (ask for fewer bars or a coarser step), which bounds what one response costs to compose and send.
    /// </summary>
    public int MaxLevelsPerResponse { get; set; } = 1_000_000;

    /// <summary>Key that <c>X-Api-Key</c> must match on ingest and instrument definition; unset means those are refused.</summary>
    public string? IngestApiKey { get; set; }

    /// <summary>The HTTP/2 port of the gRPC service.</summary>
    public int GrpcPort { get; set; } = 5081;

    /// <summary>Live updates per second per subscription, the newest always sent last; 0 sends every change.</summary>
    public int MaxUpdatesPerSecond { get; set; } = 10;

    /// <summary>Messages a client may have waiting before it is closed as too slow.</summary>
    public int ClientQueueLimit { get; set; } = 100_000;

    /// <summary>How long a message may wait for a client before the client is closed as too slow.</summary>
    public TimeSpan ClientMaxLag { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a client closed as too slow has to take the close before its connection is aborted.</summary>
    public TimeSpan SlowClientGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Subscriptions one WebSocket connection may hold.</summary>
    public int MaxSubscriptionsPerConnection { get; set; } = 100;

    /// <summary>The largest WebSocket message a client may send, in bytes.</summary>
    public int MaxClientMessageBytes { get; set; } = 16 * 1024;

    /// <summary>How often a feed checks that its stream still delivers what the grain publishes.</summary>
    public TimeSpan FeedCheckPeriod { get; set; } = TimeSpan.FromSeconds(5);
}
