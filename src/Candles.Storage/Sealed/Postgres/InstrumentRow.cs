namespace Candles.Storage.Sealed.Postgres;

/// <summary>An instrument's grids, so SQL can turn ticks and steps into decimals: <c>open * tick_size</c>.</summary>
public sealed class InstrumentRow
{
    public required string Id { get; set; }

    public required decimal TickSize { get; set; }

    public required decimal QuantityStep { get; set; }
}
