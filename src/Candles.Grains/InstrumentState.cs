using Candles.Abstractions.Wire;

namespace Candles.Grains;

/// <summary>The persisted part of an instrument's grain: its definition, and whether a live source feeds it, and the minutes it is known to miss trades in.</summary>
[GenerateSerializer, Alias("candles.InstrumentState")]
public sealed class InstrumentState
{
    [Id(0)]
    public InstrumentSpec? Spec { get; set; }

    /// <summary>Set by the first live batch: from then on quiet minutes close by the wall clock, after a restart too.</summary>
    [Id(1)]
    public bool Live { get; set; }

    /// <summary>Minutes a feed could not fill: every bar overlapping them is served as not complete.</summary>
    [Id(2)]
    public IncompleteSpans? Incomplete { get; set; }
}
