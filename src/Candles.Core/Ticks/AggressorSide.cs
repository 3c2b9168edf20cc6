namespace Candles.Core.Ticks;

/// <summary>
/// Which side took liquidity. <see cref="Buy"/>: the taker bought, trading at the ask.
/// <see cref="Sell"/>: the taker sold, trading at the bid (Binance's <c>is_buyer_maker = true</c>).
/// </summary>
public enum AggressorSide : byte
{
    Buy = 1,
    Sell = 2,
}
