namespace Candles.Abstractions.Wire;

/// <summary>An instrument's state: its definition, watermark, first and last 1m bar and tick counters.</summary>
[GenerateSerializer, Immutable, Alias("candles.SymbolStatus")]
public sealed record SymbolStatus(
    [property: Id(0)] InstrumentSpec? Spec,
    [property: Id(1)] long WatermarkUs,
    [property: Id(2)] long? FirstBarMs,
    [property: Id(3)] long? LastBarMs,
    [property: Id(4)] IngestReport Totals);
