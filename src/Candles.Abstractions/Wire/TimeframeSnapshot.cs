namespace Candles.Abstractions.Wire;

/// <summary>
/// A page of a timeframe's bars and the sequence of the last message its stream had sent when the page was read:
/// the page already holds everything that message and those before it said, so a subscriber applies only
/// messages with a higher sequence on top of it.
/// </summary>
[GenerateSerializer, Immutable, Alias("candles.TimeframeSnapshot")]
public sealed record TimeframeSnapshot(
    [property: Id(0)] BarsPage Page,
    [property: Id(1)] long Sequence);
