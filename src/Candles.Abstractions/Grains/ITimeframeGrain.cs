using Candles.Abstractions.Wire;

namespace Candles.Abstractions.Grains;

/// <summary>
/// One timeframe of one instrument, keyed <c>INSTRUMENT|TF|ZONE</c> (<c>BINANCE:BTCUSDT|15m|UTC</c>):
/// composes its bars from the instrument's 1m bars on request.
/// </summary>
[Alias("candles.ITimeframeGrain")]
public interface ITimeframeGrain : IGrainWithStringKey
{
    [Alias("GetBars")]
    Task<BarsPage> GetBars(BarsQuery query);
}
