using Candles.Core.Bars;
using Candles.Core.Building;

namespace Candles.Storage.MinuteBars;

/// <summary>
/// The retained 1m bars of each instrument with their footprints, and the builder checkpoint that goes with
/// them. Writes are per bar (a closed or corrected bar replaces the bar with the same open time), never a
/// rewrite of the history.
/// </summary>
public interface IMinuteBarStore
{
    /// <summary>
    /// Stores <paramref name="bars"/> (replacing any with the same open time) and, if given, the checkpoint,
    /// all or nothing: a reader never sees the bars without the checkpoint that accounts for their trades.
    /// </summary>
    Task CommitAsync(string instrument, IReadOnlyList<Bar> bars, BuilderCheckpoint? checkpoint, CancellationToken cancellation = default);

    /// <summary>Bars with <c>fromMs &lt;= open time &lt; toMs</c>, ascending.</summary>
    Task<IReadOnlyList<Bar>> LoadAsync(string instrument, long fromMs, long toMs, CancellationToken cancellation = default);

    /// <summary>The last committed checkpoint, or null for an instrument never committed.</summary>
    Task<BuilderCheckpoint?> LoadCheckpointAsync(string instrument, CancellationToken cancellation = default);

    /// <summary>Drops bars that open before <paramref name="beforeMs"/> (retention).</summary>
    Task TrimAsync(string instrument, long beforeMs, CancellationToken cancellation = default);
}
