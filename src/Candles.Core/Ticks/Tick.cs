namespace Candles.Core.Ticks;

/// <summary>
/// One trade of an instrument. <see cref="Price"/> is in ticks and <see cref="Quantity"/> in quantity
/// steps of that instrument; <see cref="TimeUs"/> is the exchange's event time in Unix microseconds (UTC).
/// Trades are ordered by (time, trade id); the trade id identifies a trade for deduplication.
/// </summary>
public readonly record struct Tick(long TradeId, long TimeUs, long Price, long Quantity, AggressorSide Side);
