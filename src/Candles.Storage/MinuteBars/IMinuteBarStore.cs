using Candles.Core.Bars;

namespace Candles.Storage.MinuteBars;

/// <summary>
/// The retained 1m bars of each instrument with their footprints. Writes are per bar (a closed or corrected
/// bar replaces the bar with the same open time), never a rewrite of the history.
/// </summary>
public interface IMinuteBarStore
{
    /// <summary>Stores bars, replacing any stored bar with the same open time.</summary>
    Task UpsertAsync(string instrument, IReadOnlyList<Bar> bars, CancellationToken cancellation = default);

    /// <summary>Bars with <c>fromMs &lt;= open time &lt; toMs</c>, ascending.</summary>
    Task<IReadOnlyList<Bar>> LoadAsync(string instrument, long fromMs, long toMs, CancellationToken cancellation = default);

    /// <summary>Drops bars that open before <paramref name="beforeMs"/> (retention).</summary>
    Task TrimAsync(string instrument, long beforeMs, CancellationToken cancellation = default);
}
