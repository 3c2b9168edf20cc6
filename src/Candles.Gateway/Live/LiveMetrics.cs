using System.Diagnostics.Metrics;

namespace Candles.Gateway.Live;

/// <summary>
/// The live side of this gateway process as OpenTelemetry-readable instruments of the meter <see cref="MeterName"/>:
/// clients and subscriptions by transport, feeds, resnapshots by cause, live updates replaced in a slow client's
/// queue, clients cut off, and the delay from a change's commit in its instrument's grain to its write to a client.
/// </summary>
public static class LiveMetrics
{
    public const string MeterName = "Candles.Gateway";

    /// <summary>The gateway's one meter; ingest refusals (<c>IngestMetrics</c>) are counted on it too.</summary>
    internal static readonly Meter Meter = new(MeterName);
    private static readonly UpDownCounter<long> Clients = Meter.CreateUpDownCounter<long>("candles.live.clients", "{client}", "Connected live clients (WebSocket connections, gRPC Subscribe calls)");
    private static readonly UpDownCounter<long> Subscriptions = Meter.CreateUpDownCounter<long>("candles.live.subscriptions", "{subscription}", "Open live subscriptions");
    private static readonly UpDownCounter<long> Feeds = Meter.CreateUpDownCounter<long>("candles.live.feeds", "{feed}", "Timeframes this process follows, one per (instrument, timeframe, zone[, step])");
    private static readonly Counter<long> Resnapshots = Meter.CreateCounter<long>("candles.live.resnapshots", "{subscription}", "Subscriptions sent a fresh snapshot: a gap in the grain's sequence, or a feed its grain had forgotten");
    private static readonly Counter<long> Replaced = Meter.CreateCounter<long>("candles.live.replaced", "{message}", "Live updates replaced by a newer one while waiting in a client's queue");
    private static readonly Counter<long> CutOff = Meter.CreateCounter<long>("candles.live.cut_off", "{client}", "Clients closed as too slow");
    private static readonly Histogram<double> Delay = Meter.CreateHistogram<double>(
        "candles.live.delay", "ms", "From a change's commit in its instrument's grain to its write to a client",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000] });

    public static void ClientConnected(string transport) => Clients.Add(1, new KeyValuePair<string, object?>("transport", transport));

    public static void ClientLeft(string transport) => Clients.Add(-1, new KeyValuePair<string, object?>("transport", transport));

    public static void SubscriptionOpened() => Subscriptions.Add(1);

    public static void SubscriptionEnded() => Subscriptions.Add(-1);

    public static void FeedStarted() => Feeds.Add(1);

    public static void FeedEnded() => Feeds.Add(-1);

    public static void Resnapshot(int subscriptions, string cause) => Resnapshots.Add(subscriptions, new KeyValuePair<string, object?>("cause", cause));

    public static void LiveUpdateReplaced() => Replaced.Add(1);

    public static void ClientCutOff() => CutOff.Add(1);

    public static void Sent(long committedAtMs, long nowMs)
    {
        if (committedAtMs > 0)
        {
            Delay.Record(Math.Max(0, nowMs - committedAtMs));
        }
    }
}
