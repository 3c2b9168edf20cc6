using Candles.Core.Bars;

namespace Candles.Abstractions.Wire;

/// <summary>
/// Bars ascending by open time, the live (still forming) bar last if it is in range. A bar is closed when
/// the instrument's watermark <see cref="WatermarkUs"/> has reached its end. For 1m bars,
/// <see cref="RetainedFromMs"/> says from when on the history is whole: bars opening before it may have been
/// trimmed, so they are not <see cref="IsComplete"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("candles.BarsPage")]
public sealed record BarsPage(
    [property: Id(0)] IReadOnlyList<Bar> Bars,
    [property: Id(1)] long WatermarkUs,
    [property: Id(2)] long RetainedFromMs = long.MinValue)
{
    public bool IsClosed(Bar bar) => WatermarkUs >= bar.Candle.Period.EndMs * 1000;

    /// <summary>False when the bar's trades may be partial: it opens before the retained history.</summary>
    public bool IsComplete(Bar bar) => bar.Candle.OpenTimeMs >= RetainedFromMs;
}
