using Candles.Core.Bars;

namespace Candles.Abstractions.Wire;

/// <summary>
/// An instrument's moving parts: <see cref="ClosedVersion"/> changes whenever its closed 1m bars change (a close,
/// a correction, a trim, a new activation), so a composition of them cached under one version is current
/// exactly while the version is; plus the live bar and the watermark. <see cref="Sequence"/> is the last 1m message
/// the instrument had sent when this was read: a message at or before it says nothing newer than this state, and
/// every later one carries this state or a newer one, among the messages of its <see cref="Producer"/> (the instrument's
/// activation; 0 when not known).
/// </summary>
[GenerateSerializer, Immutable, Alias("candles.LiveState")]
public sealed record LiveState(
    [property: Id(0)] long ClosedVersion,
    [property: Id(1)] Bar? Live,
    [property: Id(2)] long WatermarkUs,
    [property: Id(3)] long Sequence = long.MinValue,
    [property: Id(4)] long Producer = 0);
