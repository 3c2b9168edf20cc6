using Candles.Core.Bars;

namespace Candles.Abstractions.Streams;

public enum BarEventKind
{
    /// <summary>The live bar changed; it is still open.</summary>
    Update,

    /// <summary>A bar closed: the watermark reached its end. Sent once per bar.</summary>
    Close,

    /// <summary>A closed bar changed (a late tick): the new revision.</summary>
    Correction,
}

[GenerateSerializer, Immutable, Alias("candles.BarEvent")]
public sealed record BarEvent(
    [property: Id(0)] BarEventKind Kind,
    [property: Id(1)] Bar Bar);

/// <summary>
/// One stream message: the events of one commit, in order. <see cref="Sequence"/> increases by exactly one per
/// message of a stream (a new producer activation starts higher), so a gap means messages were lost.
/// <see cref="ClosedVersion"/> is the producer's closed-bar version after these events, as in
/// <see cref="Wire.LiveState"/>; <see cref="WatermarkUs"/> closes every bar ending at or before it; bars opening
/// before <see cref="RetainedFromMs"/> or overlapping <see cref="Incomplete"/> may be partial (see <see cref="Wire.BarsPage.IsComplete"/>).
/// <see cref="CommittedAtMs"/> is when the instrument's grain committed the change (wall clock, Unix ms; 0 if unknown), for delivery metrics.
/// <see cref="EndsCommit"/> is true on an instrument's message that holds the whole commit, or its last part (a big
/// commit is sent in several messages of one <see cref="ClosedVersion"/>): then the closed bars are as of that
/// version. False when not known (an older producer). <see cref="Producer"/> names the activation that sent it: sequences
/// compare within one producer only (0 when not known: an older producer).
/// </summary>
[GenerateSerializer, Immutable, Alias("candles.BarEvents")]
public sealed record BarEvents(
    [property: Id(0)] long Sequence,
    [property: Id(1)] long ClosedVersion,
    [property: Id(2)] long WatermarkUs,
    [property: Id(3)] IReadOnlyList<BarEvent> Events,
    [property: Id(4)] long RetainedFromMs = long.MinValue,
    [property: Id(5)] Wire.IncompleteSpans? Incomplete = null,
    [property: Id(6)] long CommittedAtMs = 0,
    [property: Id(7)] bool EndsCommit = false,
    [property: Id(8)] long Producer = 0)
{
    /// <summary>False when the bar's trades may be partial, as <see cref="Wire.BarsPage.IsComplete"/>.</summary>
    public bool IsComplete(Bar bar) => Wire.BarsPage.IsWhole(bar, RetainedFromMs, Incomplete);
}
