namespace Candles.Abstractions.Wire;

/// <summary>
/// An instrument's 1m bars and its <see cref="LiveState"/>, read together: the bars are exactly as of the state, so a
/// snapshot composed from them holds everything up to the state's sequence and nothing after it.
/// </summary>
[GenerateSerializer, Immutable, Alias("candles.MinutesAtState")]
public sealed record MinutesAtState(
    [property: Id(0)] BarsPage Minutes,
    [property: Id(1)] LiveState State);
