using Candles.Core.Bars;
using Candles.Core.Building;

namespace Candles.Storage.MinuteBars;

/// <summary>
/// The retained 1m bars of each instrument with their footprints, and the builder checkpoint that goes with
/// them. Writes are per bar (a closed or corrected bar replaces the bar with the same open time), never a
/// rewrite of the history, except when a writer puts back what the store lost.
/// </summary>
public interface IMinuteBarStore
{
    /// <summary>
    /// Stores <paramref name="bars"/> (replacing any with the same open time) and, if given, the checkpoint,
    /// all or nothing and only if the store is at <paramref name="expected"/>; it is then at
    /// <paramref name="written"/>. A reader never sees the bars without the checkpoint that accounts for their trades.
    /// </summary>
    Task<CommitResult> CommitAsync(
        string instrument, IReadOnlyList<Bar> bars, BuilderCheckpoint? checkpoint, StoreRevision expected, StoreRevision written, CancellationToken cancellation = default);

    /// <summary>
    /// Replaces the instrument's whole history with <paramref name="bars"/> and <paramref name="checkpoint"/>, only if
    /// the store is at <paramref name="expected"/>: how a writer puts back acknowledged writes the store lost.
    /// </summary>
    Task<CommitResult> RewriteAsync(
        string instrument, IReadOnlyList<Bar> bars, BuilderCheckpoint checkpoint, StoreRevision expected, StoreRevision written, CancellationToken cancellation = default);

    /// <summary>Bars with <c>fromMs &lt;= open time &lt; toMs</c>, ascending.</summary>
    Task<IReadOnlyList<Bar>> LoadAsync(string instrument, long fromMs, long toMs, CancellationToken cancellation = default);

    /// <summary>
    /// The last committed checkpoint, its revision and every bar, read at one instant: what a builder is restored from.
    /// Two reads could take the checkpoint of one commit and the bars of the next (another writer between them), a
    /// history whose trades the checkpoint does not account for.
    /// </summary>
    Task<StoredHistory> LoadHistoryAsync(string instrument, CancellationToken cancellation = default);

    /// <summary>Drops bars that open before <paramref name="beforeMs"/> (retention).</summary>
    Task TrimAsync(string instrument, long beforeMs, CancellationToken cancellation = default);
}
