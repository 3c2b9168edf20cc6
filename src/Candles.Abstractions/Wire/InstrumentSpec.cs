using Candles.Core.Instruments;

namespace Candles.Abstractions.Wire;

/// <summary>An instrument's definition as configured: id, tick size and quantity step as decimal text.</summary>
[GenerateSerializer, Immutable, Alias("candles.InstrumentSpec")]
public sealed record InstrumentSpec(
    [property: Id(0)] string Id,
    [property: Id(1)] string TickSize,
    [property: Id(2)] string QuantityStep)
{
    public Instrument ToInstrument() => new(InstrumentId.Parse(Id), Increment.Parse(TickSize), Increment.Parse(QuantityStep));

    /// <summary>The same instrument whatever the spelling of its grids ("0.010" is "0.01").</summary>
    public bool SameGridsAs(InstrumentSpec other) =>
        Increment.Parse(TickSize) == Increment.Parse(other.TickSize) && Increment.Parse(QuantityStep) == Increment.Parse(other.QuantityStep);
}
