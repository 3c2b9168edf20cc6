namespace Candles.Storage.Sealed.Postgres;

/// <summary>One footprint level of a sealed bar: price in ticks, volumes in quantity steps.</summary>
public sealed class SealedLevelRow
{
    public required string Instrument { get; set; }

    public required string Timeframe { get; set; }

    public required string Zone { get; set; }

    public long OpenTime { get; set; }

    public long Price { get; set; }

    public Int128 BuyVolume { get; set; }

    public Int128 SellVolume { get; set; }

    public long Trades { get; set; }
}
