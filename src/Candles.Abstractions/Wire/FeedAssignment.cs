namespace Candles.Abstractions.Wire;

/// <summary>What one feed connector subscribes: a venue by its configuration name and that connection's symbols.</summary>
[GenerateSerializer, Immutable, Alias("candles.FeedAssignment")]
public sealed record FeedAssignment(
    [property: Id(0)] string Venue,
    [property: Id(1)] IReadOnlyList<string> Symbols)
{
    public bool SameAs(FeedAssignment other) => Venue == other.Venue && Symbols.SequenceEqual(other.Symbols);
}
