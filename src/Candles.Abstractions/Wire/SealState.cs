namespace Candles.Abstractions.Wire;

/// <summary>
/// A sealer's progress: the end of the last sealed day (Unix ms, <see cref="long.MinValue"/> before the first
/// seal) and a version that changes whenever sealed bars were written, so sealed bars cached under one version
/// are current exactly while it is.
/// </summary>
[GenerateSerializer, Immutable, Alias("candles.SealState")]
public sealed record SealState(
    [property: Id(0)] long SealedThroughMs,
    [property: Id(1)] long Version);
