using System.Collections.ObjectModel;
using Candles.Core.Bars;

namespace Candles.Storage.Sealed;

/// <summary>Sealed bars ascending by open time, and which of them were sealed as partial (see <see cref="SeriesBars.Partial"/>).</summary>
public sealed class SealedBars(IList<Bar> bars, IReadOnlySet<long> partial) : ReadOnlyCollection<Bar>(bars)
{
    public static SealedBars None { get; } = new([], new HashSet<long>());

    /// <summary>The open times of the bars sealed as partial.</summary>
    public IReadOnlySet<long> Partial => partial;

    public bool IsComplete(Bar bar) => !partial.Contains(bar.Candle.OpenTimeMs);
}
