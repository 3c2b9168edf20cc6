using Candles.Core.Building;

namespace Candles.Grains;

/// <summary>
/// An instrument's commit step: the bars its builder closed or corrected go to the sealers' keep, then to the 1m store
/// with the checkpoint that accounts for them; minutes past the retention are trimmed; the change is published. Holds the
/// closed-bar version that cached compositions follow, started from the activation's wall clock, as the publisher's
/// sequences are, so a new activation never repeats an old version.
/// </summary>
internal sealed class MinuteCommits(
    MinuteHistory history, InstrumentSealers sealers, InstrumentRecord record, MinutePublisher publisher, TimeSpan updatePeriod, long firstVersion)
{
    private readonly List<BarChange> _changes = [];

    /// <summary>Moves on with every commit of a closed or corrected bar, and whenever what a cache holds may no longer hold.</summary>
    public long ClosedVersion { get; private set; } = firstVersion;

    /// <summary>Cached compositions must be made again, though no bar changed (spans marked incomplete, a commit discarded).</summary>
    public void Invalidate() => ClosedVersion++;

    /// <summary>A commit failed: what it drained from the builder, and a live change waiting, are dropped with the builder's rollback.</summary>
    public void Discard()
    {
        _changes.Clear();
        publisher.LivePending = false;
        Invalidate();
    }

    /// <summary>
    /// Commits the bars that closed or were corrected, with the checkpoint that accounts for them; a quiet scan that
    /// changed nothing writes nothing, and publishes only a live update held back. A watermark's new minute is committed
    /// before it is published: a sealer may seal the day it ends, so a rollback must never take it back, or trades
    /// retried after a failed commit would close into that sealed day as new bars instead of correcting it.
    /// </summary>
    public async Task CommitAsync(BarBuilder builder, bool checkpoint, bool forcePublish = false)
    {
        _changes.Clear();
        builder.DrainChanges(_changes);
        var newMinute = publisher.WatermarkCrossedMinute(builder);
        if (_changes.Count == 0 && !checkpoint && !newMinute)
        {
            if (forcePublish && publisher.LivePending)
            {
                await publisher.PublishAsync(builder, _changes, ClosedVersion, record.Incomplete);
            }

            return;
        }

        if (_changes.Count > 0)
        {
            ClosedVersion++;
        }

        var closed = _changes.Count(c => c.Kind == BarChangeKind.Closed);

        await sealers.KeepAndRecheckAsync(_changes, builder);

        // A bar may close and be corrected in one batch: its latest version is the one to keep.
        var bars = _changes.GroupBy(c => c.Bar.Candle.OpenTimeMs).Select(g => g.Last().Bar).ToList();
        if (await history.CommitAsync(bars, builder, sealers.Held()))
        {
            await record.RestoreAfterLossAsync();
        }

        Diagnostics.GrainMetrics.Committed(closed, _changes.Count - closed);

        if (closed > 0 && builder.ClosedBars.Count > 0)
        {
            await history.TrimAsync(builder.FirstOpenTimeMs!.Value);
        }

        if (_changes.Count > 0 || forcePublish || newMinute || publisher.LiveDue(updatePeriod))
        {
            await publisher.PublishAsync(builder, _changes, ClosedVersion, record.Incomplete);
        }

        // Published: the builder holds these bars (old ones packed), so a replay's last batch is not kept here as well.
        _changes.Clear();
        if (_changes.Capacity > 256)
        {
            _changes.TrimExcess();
        }
    }
}
