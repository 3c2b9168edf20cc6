using System.Runtime.InteropServices;

namespace Candles.Core.Bars;

/// <summary>
/// Volume traded at one price level of a footprint: <see cref="Price"/> in ticks is the level's lower edge,
/// buy volume is taker buys (at the ask), sell volume is taker sells (at the bid), in quantity steps.
/// Packed to 8 bytes: the volumes' 16-byte alignment would pad a level from 48 to 64 bytes, and every retained
/// minute holds its levels for days.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 8)]
public readonly record struct PriceLevel(long Price, Volume BuyVolume, Volume SellVolume, long Trades)
{
    public Volume Volume => BuyVolume + SellVolume;

    public Volume Delta => BuyVolume - SellVolume;
}
