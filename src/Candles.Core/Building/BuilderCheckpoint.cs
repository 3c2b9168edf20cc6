using Candles.Core.Bars;

namespace Candles.Core.Building;

/// <summary>
/// What a <see cref="BarBuilder"/> needs besides its closed bars to carry on after a restart exactly where it
/// stopped: the watermark, the applied trade ids (as ranges) and the live bar. Stored together with the
/// closed bars it belongs to, so a restart neither loses a tick nor counts one twice.
/// </summary>
public sealed record BuilderCheckpoint(long WatermarkUs, IReadOnlyList<(long Low, long High)> AppliedIds, Bar? Live);
