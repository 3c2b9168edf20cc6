using Candles.Core.Bars;

namespace Candles.Abstractions.Wire;

/// <summary>
/// An instrument's moving parts: <see cref="ClosedVersion"/> changes whenever its closed 1m bars change (a close,
/// a correction, a trim, a new activation), so a composition of them cached under one version is current
/// exactly while the version is; plus the live bar and the watermark.
/// </summary>
[GenerateSerializer, Immutable, Alias("candles.LiveState")]
public sealed record LiveState(
    [property: Id(0)] long ClosedVersion,
    [property: Id(1)] Bar? Live,
    [property: Id(2)] long WatermarkUs);
