namespace Candles.Abstractions.Wire;

/// <summary>What the instruments listing shows of one instrument: its grids and its first and last 1m bar.</summary>
[GenerateSerializer, Immutable, Alias("candles.InstrumentListing")]
public sealed record InstrumentListing(
    [property: Id(0)] InstrumentSpec Spec,
    [property: Id(1)] long? FirstBarMs,
    [property: Id(2)] long? LastBarMs);

/// <summary>
/// The listing as the registry holds it: the instruments whose grain rested, as they were when it did (nothing changes
/// an instrument without activating it), and the ids of the others, which only their grain can describe.
/// </summary>
[GenerateSerializer, Immutable, Alias("candles.InstrumentListings")]
public sealed record InstrumentListings(
    [property: Id(0)] IReadOnlyList<InstrumentListing> Resting,
    [property: Id(1)] IReadOnlyList<string> Others);
