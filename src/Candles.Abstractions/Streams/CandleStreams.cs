namespace Candles.Abstractions.Streams;

/// <summary>
/// The Orleans streams the grains publish on, in one place. Memory streams: not durable, so every message
/// carries a sequence that increases by one per stream, and a consumer that sees a gap re-reads a snapshot.
/// </summary>
public static class CandleStreams
{
    /// <summary>The stream provider's name.</summary>
    public const string Provider = "candles";

    /// <summary>Grain storage name Orleans' stream pub-sub keeps its subscriptions under.</summary>
    public const string PubSubStore = "PubSubStore";

    /// <summary>An instrument's 1m bars, keyed by instrument id: live updates, closes and corrections.</summary>
    public const string MinuteNamespace = "candles.1m";

    public static StreamId Minutes(string instrumentId) => StreamId.Create(MinuteNamespace, instrumentId);
}
