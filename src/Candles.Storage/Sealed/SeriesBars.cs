using Candles.Core.Bars;

namespace Candles.Storage.Sealed;

/// <summary>
/// Bars of one sealed series, as one part of a seal that writes several at once. <see cref="Partial"/> holds the open
/// times of those whose trades may be partial (their period overlaps a feed gap or history lost): they are stored as
/// such, so they are served as not complete for good, whatever becomes of the 1m history.
/// </summary>
public sealed record SeriesBars(SealedSeries Series, IReadOnlyList<Bar> Bars, IReadOnlySet<long>? Partial = null)
{
    public bool IsPartial(Bar bar) => Partial?.Contains(bar.Candle.OpenTimeMs) == true;
}
