namespace Candles.Ingest.Feeds;

/// <summary>
/// Trades a venue served over REST for a range of trade ids, ascending by id. <see cref="Whole"/>: the venue
/// vouches that no trade in the asked range is missing from <see cref="Trades"/>.
/// </summary>
public sealed record TradeRange(IReadOnlyList<VenueTrade> Trades, bool Whole);
