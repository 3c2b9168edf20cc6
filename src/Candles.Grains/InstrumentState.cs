using Candles.Abstractions.Wire;

namespace Candles.Grains;

/// <summary>The persisted part of an instrument's grain: its definition.</summary>
[GenerateSerializer, Alias("candles.InstrumentState")]
public sealed class InstrumentState
{
    [Id(0)]
    public InstrumentSpec? Spec { get; set; }
}
