using Candles.Core.Ticks;

namespace Candles.Ingest.Feeds;

/// <summary>
/// One trade as a venue reported it: its symbol, trade id, event time in Unix microseconds (UTC), price and
/// quantity as the venue's decimal text, and the side that took liquidity.
/// </summary>
public readonly record struct VenueTrade(string Symbol, long TradeId, long TimeUs, string Price, string Quantity, AggressorSide Side);
