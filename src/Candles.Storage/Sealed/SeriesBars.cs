using Candles.Core.Bars;

namespace Candles.Storage.Sealed;

/// <summary>Bars of one sealed series, as one part of a seal that writes several at once.</summary>
public sealed record SeriesBars(SealedSeries Series, IReadOnlyList<Bar> Bars);
