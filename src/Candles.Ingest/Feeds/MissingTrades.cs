namespace Candles.Ingest.Feeds;

/// <summary>
/// Trade ids <see cref="FromId"/>..<see cref="ToId"/> (inclusive) not seen yet, between the trades at
/// <see cref="AfterTimeUs"/> and <see cref="BeforeTimeUs"/> (long.MinValue: not known).
/// </summary>
internal readonly record struct MissingTrades(long FromId, long ToId, long AfterTimeUs, long BeforeTimeUs)
{
    public long Count => ToId - FromId + 1;

    public bool Contains(long id) => id >= FromId && id <= ToId;
}
