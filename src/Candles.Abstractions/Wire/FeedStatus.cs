namespace Candles.Abstractions.Wire;

/// <summary>
/// A feed connector's counts since it started. <see cref="Unfilled"/> counts trade ids that stayed missing (their
/// minutes are marked incomplete); <see cref="DroppedRepeats"/> trades the connector had already (the other
/// connection of a rollover or a reconnect); <see cref="Applied"/>, <see cref="Duplicates"/> and <see cref="Refused"/>
/// are the instruments' answers.
/// </summary>
[GenerateSerializer, Immutable, Alias("candles.FeedStatus")]
public sealed record FeedStatus(
    [property: Id(0)] long Messages,
    [property: Id(1)] long Trades,
    [property: Id(2)] long Malformed,
    [property: Id(3)] long Unknown,
    [property: Id(4)] long VenueErrors,
    [property: Id(5)] long OffGrid,
    [property: Id(6)] long DroppedRepeats,
    [property: Id(7)] long Backfilled,
    [property: Id(8)] long Unfilled,
    [property: Id(9)] long Connections,
    [property: Id(10)] long Drops,
    [property: Id(11)] long Rollovers,
    [property: Id(12)] long Applied,
    [property: Id(13)] long Duplicates,
    [property: Id(14)] long Refused)
{
    /// <summary>The silo the connector runs on.</summary>
    [Id(15)]
    public string Silo { get; init; } = string.Empty;
}
