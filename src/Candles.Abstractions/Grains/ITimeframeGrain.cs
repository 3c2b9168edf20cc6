using Candles.Abstractions.Wire;

namespace Candles.Abstractions.Grains;

/// <summary>
/// One timeframe of one instrument, keyed <c>INSTRUMENT|TF|ZONE</c> (<c>BINANCE:BTCUSDT|15m|UTC</c>):
/// composes its bars from the instrument's 1m bars on request, and while it is asked for, follows the 1m
/// stream and publishes its own live updates, closes and corrections (candles without footprints) on the
/// timeframe stream of the same key.
/// </summary>
[Alias("candles.ITimeframeGrain")]
public interface ITimeframeGrain : IGrainWithStringKey
{
    [Alias("GetBars")]
    Task<BarsPage> GetBars(BarsQuery query);

    /// <summary>
    /// <see cref="GetBars"/> with the sequence of the timeframe stream's last message, for a subscriber that then
    /// follows the stream; keeps the stream going like <see cref="Watch"/>.
    /// </summary>
    [Alias("Snapshot")]
    Task<TimeframeSnapshot> Snapshot(BarsQuery query);

    /// <summary>Keeps the timeframe stream going for a while longer; returns the sequence of its last message.</summary>
    [Alias("Watch")]
    Task<long> Watch();
}
