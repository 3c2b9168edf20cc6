namespace Candles.Abstractions.Wire;

/// <summary>
/// An instrument's state: its definition, watermark, first and last 1m bar, tick counters, and whether a live source
/// feeds it (its minutes then close by the clock while its grain runs; a replayed one's close by its ticks alone).
/// </summary>
[GenerateSerializer, Immutable, Alias("candles.SymbolStatus")]
public sealed record SymbolStatus(
    [property: Id(0)] InstrumentSpec? Spec,
    [property: Id(1)] long WatermarkUs,
    [property: Id(2)] long? FirstBarMs,
    [property: Id(3)] long? LastBarMs,
    [property: Id(4)] IngestReport Totals,
    [property: Id(5)] bool Live = false);
