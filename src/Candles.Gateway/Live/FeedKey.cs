using Candles.Abstractions.Grains;
using Candles.Core.Timeframes;

namespace Candles.Gateway.Live;

/// <summary>
/// What a live feed follows: one instrument's timeframe in a zone, as candles (<see cref="StepTicks"/> null) or as
/// footprints on a grid of that many ticks. A gateway process keeps one stream subscription per key.
/// </summary>
public sealed record FeedKey(string Instrument, Timeframe Timeframe, string Zone, long? StepTicks)
{
    public string TimeframeKey => GrainKeys.Timeframe(Instrument, Timeframe, Zone);
}
