using Candles.Abstractions.Streams;
using Candles.Abstractions.Wire;

namespace Candles.Abstractions.Grains;

/// <summary>
/// One timeframe of one instrument, keyed <c>INSTRUMENT|TF|ZONE</c> (<c>BINANCE:BTCUSDT|15m|UTC</c>):
/// composes its bars from the instrument's 1m bars on request, and while observers follow it, takes the 1m
/// messages straight from the instrument's grain and pushes its own live updates, closes and corrections
/// (candles without footprints) to them.
/// </summary>
[Alias("candles.ITimeframeGrain")]
public interface ITimeframeGrain : IGrainWithStringKey
{
    [Alias("GetBars")]
    Task<BarsPage> GetBars(BarsQuery query);

    /// <summary><see cref="GetBars"/> with the sequence of the last message pushed, for an observer that then follows.</summary>
    [Alias("Snapshot")]
    Task<TimeframeSnapshot> Snapshot(BarsQuery query);

    /// <summary>The sequence of the last message pushed to observers (or the activation's starting one).</summary>
    [Alias("Watch")]
    Task<long> Watch();

    /// <summary>
    /// Pushes every message from now on to <paramref name="observer"/> for <see cref="ObserverLease"/>; calling again
    /// renews it. Returns the sequence of the last message pushed before, so the observer knows what it has not seen.
    /// </summary>
    [Alias("Follow")]
    Task<long> Follow(ILiveBarsObserver observer);

    [Alias("Unfollow")]
    Task Unfollow(ILiveBarsObserver observer);

    /// <summary>How many observers (gateway processes' live feeds) follow it now.</summary>
    [Alias("GetFollowerCount")]
    Task<int> GetFollowerCount();

    /// <summary>The instrument's 1m message, pushed by its grain while this timeframe follows it.</summary>
    [Orleans.Concurrency.OneWay]
    [Alias("OnMinutes")]
    Task OnMinutes(BarEvents message);

    /// <summary>How long an observer stays followed without calling <see cref="Follow"/> again.</summary>
    public static TimeSpan ObserverLease { get; } = TimeSpan.FromMinutes(1);
}
