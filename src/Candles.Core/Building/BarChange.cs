using Candles.Core.Bars;

namespace Candles.Core.Building;

/// <summary>A bar that closed, or a closed bar that a late tick amended (its revision raised).</summary>
public readonly record struct BarChange(Bar Bar, BarChangeKind Kind);

public enum BarChangeKind : byte
{
    Closed,
    Corrected,
}
