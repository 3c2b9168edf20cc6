using Candles.Abstractions.Streams;
using Candles.Core.Bars;

namespace Candles.Grains;

/// <summary>
/// What a timeframe stream says next, given the timeframe's bars composed from closed data, its live bar and the
/// watermark. Every bar that the watermark passed since the last message closes once, in open-time order, whether
/// or not its own last minute traded; a closed bar that a 1m correction touched goes out as a correction; the live
/// bar goes out when it changed. Owned by one <see cref="TimeframeGrain"/> activation.
/// </summary>
internal sealed class TimeframePublisher
{
    /// <summary>Events in one stream message: candles without footprints are about 150 bytes each.</summary>
    public const int MaxMessageEvents = 2000;

    private long _closedThroughUs;
    private Candle? _lastLive;

    /// <summary>Starts from the watermark at activation: bars it had already passed were closed before.</summary>
    public TimeframePublisher(long watermarkUs, long firstSequence)
    {
        _closedThroughUs = watermarkUs;
        Sequence = firstSequence;
    }

    /// <summary>The sequence of the last message sent (or the starting one).</summary>
    public long Sequence { get; private set; }

    public long NextSequence() => ++Sequence;

    /// <param name="closed">The timeframe's bars composed from closed 1m bars, ascending.</param>
    /// <param name="live">The bar holding the live minute, if any.</param>
    /// <param name="watermarkUs">Bars ending at or before it are closed.</param>
    /// <param name="correctedOpenMs">Open times of this timeframe's bars that 1m corrections touched.</param>
    public List<BarEvent> Next(IReadOnlyList<Bar> closed, Bar? live, long watermarkUs, IEnumerable<long> correctedOpenMs)
    {
        List<BarEvent> events = [];
        foreach (var openMs in correctedOpenMs.Distinct().Order())
        {
            if (BarIndex.At(closed, openMs) is { } bar && bar.Candle.Period.EndMs * 1000 <= _closedThroughUs)
            {
                events.Add(new BarEvent(BarEventKind.Correction, bar));
            }
        }

        var closedThroughMs = _closedThroughUs / 1000;
        for (var i = BarIndex.FirstEndingAfter(closed, closedThroughMs); i < closed.Count && closed[i].Candle.Period.EndMs * 1000 <= watermarkUs; i++)
        {
            events.Add(new BarEvent(BarEventKind.Close, closed[i]));
        }

        _closedThroughUs = Math.Max(_closedThroughUs, watermarkUs);
        if (live is not null && live.Candle != _lastLive && live.Candle.Period.EndMs * 1000 > watermarkUs)
        {
            events.Add(new BarEvent(BarEventKind.Update, live));
            _lastLive = live.Candle;
        }

        return events;
    }
}
