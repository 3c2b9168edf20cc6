using Candles.Core.Bars;
using Candles.Core.Building;
using Candles.Core.Timeframes;
using Candles.Storage.MinuteBars;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Candles.Grains;

/// <summary>
/// A symbol grain's 1m history in the store, with the store's revision: restores the builder, and commits
/// only over the revision this activation last read or wrote. Another writer's revision means this activation
/// is stale (a duplicate during a membership change) and must not write; an older revision of its own line
/// means the store lost acknowledged writes (a Redis crash before its fsync, a lagging replica, a flush), and
/// the whole retained history this activation holds is written back before anything else is acknowledged.
/// </summary>
internal sealed partial class MinuteHistory(IMinuteBarStore store, string instrument, ILogger logger)
{
    private readonly string _epoch = Guid.NewGuid().ToString("N")[..12];
    private StoreRevision _restored = StoreRevision.None;
    private StoreRevision _last = StoreRevision.None;

    /// <summary>The checkpoint of the last commit this activation read or wrote: where a failed commit rolls back to.</summary>
    public BuilderCheckpoint? Committed { get; private set; }

    public async Task<BarBuilder> RestoreAsync(BarBuilderOptions options, CancellationToken cancellation)
    {
        var schedule = BarSchedule.For(Timeframe.OneMinute, DateTimeZone.Utc);
        var (stored, bars) = await store.LoadHistoryAsync(instrument, cancellation);
        _restored = _last = stored.Revision;
        Committed = stored.Checkpoint;
        return stored.Checkpoint is null ? new BarBuilder(schedule, options) : BarBuilder.Restore(schedule, options, bars, stored.Checkpoint);
    }

    /// <summary>
    /// Commits <paramref name="bars"/> with the builder's checkpoint and the days its owner keeps (<paramref name="keptDays"/>). Throws <see cref="StaleWriterException"/> when
    /// another activation wrote since; any other exception means the store is unreachable. Either way nothing of
    /// this commit is acknowledged, and the builder no longer matches the store. True when the store had lost
    /// writes and the whole history was written back.
    /// </summary>
    public async Task<bool> CommitAsync(IReadOnlyList<Bar> bars, BarBuilder builder, IReadOnlyList<(long DayStartMs, long UntilMs)> keptDays)
    {
        var next = _last.Next(_epoch);
        var checkpoint = builder.Checkpoint() with { KeptDays = keptDays };
        var result = await store.CommitAsync(instrument, bars, checkpoint, _last, next);
        var rewritten = !result.Committed;
        if (rewritten)
        {
            if (!LostWrites(result.Found))
            {
                throw new StaleWriterException(instrument, _last, result.Found);
            }

            LogRewriting(logger, instrument, result.Found.ToString(), _last.ToString(), builder.ClosedBars.Count);
            result = await store.RewriteAsync(instrument, builder.ClosedBars, checkpoint, result.Found, next);
            if (!result.Committed)
            {
                throw new StaleWriterException(instrument, _last, result.Found);
            }
        }

        (_last, Committed) = (next, checkpoint);
        builder.MarkCommitted();
        return rewritten;
    }

    /// <summary>Drops 1m bars older than the retention. Best effort: a failure is logged, and the next trim catches up.</summary>
    public async Task TrimAsync(long beforeMs)
    {
        try
        {
            await store.TrimAsync(instrument, beforeMs);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogTrimFailed(logger, ex, instrument);
        }
    }

    /// <summary>
    /// The store holds an older state of this history than this activation wrote or read: nothing, an earlier
    /// revision of this activation, or the revision it restored from or one before it. Revisions only rise, so
    /// another writer's revision at or above the one restored from is newer, not lost.
    /// </summary>
    private bool LostWrites(StoreRevision found) =>
        found.IsNone
        || (found.Epoch == _epoch && found.Number < _last.Number)
        || (!_restored.IsNone && found.Number <= _restored.Number && found != _last);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The 1m store of {Instrument} went back from revision {Expected} to {Found}: writing back the {Bars} retained bars and the checkpoint")]
    private static partial void LogRewriting(ILogger logger, string instrument, string found, string expected, int bars);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not trim the 1m history of {Instrument}; the next trim will")]
    private static partial void LogTrimFailed(ILogger logger, Exception exception, string instrument);
}

/// <summary>Another activation of the instrument committed since this one last read or wrote: this one must stop writing.</summary>
internal sealed class StaleWriterException(string instrument, StoreRevision expected, StoreRevision found)
    : Exception($"the 1m store of {instrument} is at revision '{found}', not '{expected}': another activation wrote it");
