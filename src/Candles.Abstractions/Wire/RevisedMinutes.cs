namespace Candles.Abstractions.Wire;

/// <summary>
/// The closed 1m bars that late ticks have corrected (revision above 0), as open times and revisions only, with the
/// newest bar the instrument has dropped (every later one is held; long.MinValue: none was): what a sealer needs to find the
/// sealed days that are stale, without reading a single footprint. A composed bar's revision is the sum of its minutes' revisions.
/// </summary>
[GenerateSerializer, Immutable, Alias("candles.RevisedMinutes")]
public sealed record RevisedMinutes(
    [property: Id(0)] IReadOnlyList<long> OpenTimesMs,
    [property: Id(1)] IReadOnlyList<int> Revisions,
    [property: Id(2)] long TrimmedThroughMs);
