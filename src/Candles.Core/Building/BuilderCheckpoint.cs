using Candles.Core.Bars;

namespace Candles.Core.Building;

/// <summary>
/// What a <see cref="BarBuilder"/> needs besides its closed bars to carry on after a restart exactly where it
/// stopped: the watermark, the applied trade ids (as ranges), the live bar, and the open time of the newest bar the
/// retention had dropped (long.MinValue: none; null: not recorded, in a checkpoint stored before it was). Stored together
/// with the closed bars it belongs to, so a restart neither loses a tick nor counts one twice, and knows which days of
/// its history are whole.
/// </summary>
public sealed record BuilderCheckpoint(long WatermarkUs, IReadOnlyList<(long Low, long High)> AppliedIds, Bar? Live, long? TrimmedThroughMs = null);
