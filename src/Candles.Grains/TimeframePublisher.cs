using Candles.Abstractions.Streams;
using Candles.Abstractions.Wire;
using Candles.Core.Bars;

namespace Candles.Grains;

/// <summary>
/// What a timeframe stream says next, given the timeframe's bars composed from closed data, its open bar and the
/// watermark. Every bar that the watermark passed since the last message closes once, in open-time order, whether
/// or not its own last minute traded; a bar that had closed and now composes differently (a late tick, whether or
/// not its 1m correction message arrived) goes out as a correction; the open bar goes out when it changed. A bar that
/// becomes partial (a gap marked over minutes without trades changes no candle) goes out too, as a correction if it had
/// closed. An open bar the retention drops whole as it ends closes as last sent. Owned by one <see cref="TimeframeGrain"/>
/// activation.
/// </summary>
internal sealed class TimeframePublisher
{
    /// <summary>Events in one stream message: candles without footprints are about 150 bytes each.</summary>
    public const int MaxMessageEvents = 2000;

    private long _closedThroughUs;
    private Candle? _lastOpen;
    private IReadOnlyList<Bar>? _previous;
    private IncompleteSpans? _incomplete;

    /// <summary>Starts from the watermark at activation: bars it had already passed were closed before.</summary>
    public TimeframePublisher(long watermarkUs, long firstSequence)
    {
        _closedThroughUs = watermarkUs;
        Sequence = firstSequence;
    }

    /// <summary>The sequence of the last message sent (or the starting one).</summary>
    public long Sequence { get; private set; }

    public long NextSequence() => ++Sequence;

    /// <param name="closed">The timeframe's bars composed from closed 1m bars, ascending; a new list whenever they changed.</param>
    /// <param name="open">The bar still open (holding the live minute, or closed minutes of a bar not ended yet), if any.</param>
    /// <param name="watermarkUs">Bars ending at or before it are closed.</param>
    /// <param name="retainedFromMs">Bars opening before it lose minutes to the retention; that is not a correction.</param>
    /// <param name="incomplete">Where the instrument is known to miss trades: a bar overlapping it is partial.</param>
    public List<BarEvent> Next(IReadOnlyList<Bar> closed, Bar? open, long watermarkUs, long retainedFromMs, IncompleteSpans? incomplete = null)
    {
        List<BarEvent> events = [];
        var spansBefore = _incomplete;
        var spansGrew = _previous is not null && incomplete is { Count: > 0 } && !Same(incomplete, spansBefore);
        if (_previous is not null && !ReferenceEquals(closed, _previous))
        {
            Corrections(_previous, closed, retainedFromMs, events);
        }

        if (spansGrew)
        {
            BecamePartial(closed, retainedFromMs, spansBefore, incomplete!, events);
        }

        (_previous, _incomplete) = (closed, incomplete);

        // The open bar sent last has ended, but the retention dropped it whole in the commit that closed it (a replay's
        // next trade after a longer gap): it closes as it was last sent, or its followers would hold it open for good.
        if (_lastOpen is { } last && last.Period.EndMs * 1000 <= watermarkUs && last.Period.EndMs * 1000 > _closedThroughUs && !Holds(closed, last.OpenTimeMs))
        {
            events.Add(new BarEvent(BarEventKind.Close, new Bar(last, Footprint.Empty)));
        }

        var closedThroughMs = _closedThroughUs / 1000;
        for (var i = BarIndex.FirstEndingAfter(closed, closedThroughMs); i < closed.Count && closed[i].Candle.Period.EndMs * 1000 <= watermarkUs; i++)
        {
            events.Add(new BarEvent(BarEventKind.Close, closed[i]));
        }

        _closedThroughUs = Math.Max(_closedThroughUs, watermarkUs);
        var openBecamePartial = spansGrew && open is not null && Partial(incomplete, open) && !Partial(spansBefore, open);
        if (open is not null && (open.Candle != _lastOpen || openBecamePartial) && open.Candle.Period.EndMs * 1000 > watermarkUs)
        {
            events.Add(new BarEvent(BarEventKind.Update, open));
            _lastOpen = open.Candle;
        }

        return events;
    }

    /// <summary>Bars already closed on the stream whose composition changed, by a walk of both lists in open-time order.</summary>
    private void Corrections(IReadOnlyList<Bar> before, IReadOnlyList<Bar> after, long retainedFromMs, List<BarEvent> events)
    {
        var j = 0;
        for (var i = BarIndex.LowerBound(after, retainedFromMs); i < after.Count; i++)
        {
            var bar = after[i].Candle;
            if (bar.Period.EndMs * 1000 > _closedThroughUs)
            {
                return;
            }

            while (j < before.Count && before[j].Candle.OpenTimeMs < bar.OpenTimeMs)
            {
                j++;
            }

            if (j == before.Count || before[j].Candle.OpenTimeMs != bar.OpenTimeMs || !SameOnTheWire(before[j].Candle, bar))
            {
                events.Add(new BarEvent(BarEventKind.Correction, after[i]));
            }
        }
    }

    /// <summary>Bars already closed on the stream, retained whole so far, that the spans newly make partial: corrections.</summary>
    private void BecamePartial(IReadOnlyList<Bar> closed, long retainedFromMs, IncompleteSpans? before, IncompleteSpans after, List<BarEvent> events)
    {
        var corrected = events.Count > 0 ? events.Select(e => e.Bar.Candle.OpenTimeMs).ToHashSet() : null;
        for (var i = BarIndex.LowerBound(closed, retainedFromMs); i < closed.Count && closed[i].Candle.Period.EndMs * 1000 <= _closedThroughUs; i++)
        {
            var bar = closed[i];
            if (Partial(after, bar) && !Partial(before, bar) && corrected?.Contains(bar.Candle.OpenTimeMs) != true)
            {
                events.Add(new BarEvent(BarEventKind.Correction, bar));
            }
        }
    }

    /// <summary>Each message carries its own copy of the spans, so they are compared by value; there are few.</summary>
    private static bool Same(IncompleteSpans spans, IncompleteSpans? other) =>
        ReferenceEquals(spans, other) || (other is not null && spans.StartsMs.SequenceEqual(other.StartsMs) && spans.EndsMs.SequenceEqual(other.EndsMs));

    private static bool Holds(IReadOnlyList<Bar> bars, long openTimeMs) =>
        BarIndex.LowerBound(bars, openTimeMs) is var i && i < bars.Count && bars[i].Candle.OpenTimeMs == openTimeMs;

    private static bool Partial(IncompleteSpans? spans, Bar bar) => spans is not null && spans.Overlaps(bar.Candle.Period.StartMs, bar.Candle.Period.EndMs);

    /// <summary>What clients see of a candle; trade ids and times are not sent, so they alone change nothing.</summary>
    private static bool SameOnTheWire(Candle a, Candle b) =>
        a.Open == b.Open && a.High == b.High && a.Low == b.Low && a.Close == b.Close && a.BuyVolume == b.BuyVolume
        && a.SellVolume == b.SellVolume && a.QuoteVolume == b.QuoteVolume && a.Trades == b.Trades && a.Revision == b.Revision;
}
