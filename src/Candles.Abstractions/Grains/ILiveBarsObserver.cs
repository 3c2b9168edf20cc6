using Candles.Abstractions.Streams;

namespace Candles.Abstractions.Grains;

/// <summary>
/// A gateway's live feed of one timeframe: the timeframe grain pushes each message it publishes, at once, with the
/// message's sequence (+1 per message), so the feed sees a lost message or a new grain activation as a gap.
/// </summary>
[Alias("candles.ILiveBarsObserver")]
public interface ILiveBarsObserver : IGrainObserver
{
    [Orleans.Concurrency.OneWay]
    [Alias("OnBars")]
    Task OnBars(BarEvents message);
}
