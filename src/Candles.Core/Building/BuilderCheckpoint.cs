using Candles.Core.Bars;

namespace Candles.Core.Building;

/// <summary>
/// What a <see cref="BarBuilder"/> needs besides its closed bars to carry on after a restart exactly where it
/// stopped: the watermark, the applied trade ids (as ranges), the live bar, and the open time of the newest bar the
/// retention had dropped (long.MinValue: none). Stored together with the closed bars it belongs to, so a restart
/// neither loses a tick nor counts one twice, and knows which days of its history are whole.
/// <para>
/// <see cref="KeptDays"/> are the builder's owner's: the days it keeps past the retention (<see cref="BarBuilder.KeepFrom"/>)
/// and until when (Unix ms), so a new activation resumes the holds rather than starting them again. Null, both for
/// <see cref="TrimmedThroughMs"/> and for <see cref="KeptDays"/>: not known (a checkpoint stored by a version without them).
/// </para>
/// </summary>
public sealed record BuilderCheckpoint(
    long WatermarkUs,
    IReadOnlyList<(long Low, long High)> AppliedIds,
    Bar? Live,
    long? TrimmedThroughMs = null,
    IReadOnlyList<(long DayStartMs, long UntilMs)>? KeptDays = null);
