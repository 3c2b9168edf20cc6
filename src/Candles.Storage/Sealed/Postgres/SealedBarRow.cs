namespace Candles.Storage.Sealed.Postgres;

/// <summary>
/// A sealed bar. Prices are in ticks and volumes in quantity steps of the instrument (see
/// <see cref="InstrumentRow"/>), so every value is an exact integer.
/// </summary>
public sealed class SealedBarRow
{
    public required string Instrument { get; set; }

    public required string Timeframe { get; set; }

    public required string Zone { get; set; }

    public long OpenTime { get; set; }

    public long EndTime { get; set; }

    public long Open { get; set; }

    public long High { get; set; }

    public long Low { get; set; }

    public long Close { get; set; }

    public Int128 BuyVolume { get; set; }

    public Int128 SellVolume { get; set; }

    public Int128 QuoteVolume { get; set; }

    public long Trades { get; set; }

    public long FirstTradeId { get; set; }

    public long FirstTradeTimeUs { get; set; }

    public long LastTradeId { get; set; }

    public long LastTradeTimeUs { get; set; }

    public int Revision { get; set; }

    public long FootprintStep { get; set; }

    /// <summary>False when the bar's trades may be partial (it was sealed over a feed gap or lost history), for good.</summary>
    public bool Complete { get; set; } = true;

    public DateTimeOffset SealedAt { get; set; }

    public List<SealedLevelRow> Levels { get; set; } = [];
}
