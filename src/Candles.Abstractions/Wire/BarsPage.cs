using Candles.Core.Bars;

namespace Candles.Abstractions.Wire;

/// <summary>
/// Bars ascending by open time, the live (still forming) bar last if it is in range. A bar is closed when
/// the instrument's watermark <see cref="WatermarkUs"/> has reached its end. For 1m bars,
/// <see cref="RetainedFromMs"/> says from when on the history is whole: bars opening before it may have been
/// trimmed, so they are not <see cref="IsComplete"/>; nor is a bar overlapping one of the <see cref="Incomplete"/> spans.
/// <see cref="TrimmedThroughMs"/>, when known, is the open time of the newest 1m bar the retention has dropped: a
/// period after it lost nothing, even if it opens before <see cref="RetainedFromMs"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("candles.BarsPage")]
public sealed record BarsPage(
    [property: Id(0)] IReadOnlyList<Bar> Bars,
    [property: Id(1)] long WatermarkUs,
    [property: Id(2)] long RetainedFromMs = long.MinValue,
    [property: Id(3)] IncompleteSpans? Incomplete = null,
    [property: Id(4)] long? TrimmedThroughMs = null)
{
    public bool IsClosed(Bar bar) => WatermarkUs >= bar.Candle.Period.EndMs * 1000;

    /// <summary>False when the bar's trades may be partial: it opens before the retained history, or overlaps a feed gap.</summary>
    public bool IsComplete(Bar bar) => IsWhole(bar, RetainedFromMs, Incomplete);

    /// <summary>The rule of <see cref="IsComplete"/>, shared with the stream messages.</summary>
    public static bool IsWhole(Bar bar, long retainedFromMs, IncompleteSpans? incomplete) =>
        bar.Candle.OpenTimeMs >= retainedFromMs && (incomplete is null || !incomplete.Overlaps(bar.Candle.Period.StartMs, bar.Candle.Period.EndMs));
}
