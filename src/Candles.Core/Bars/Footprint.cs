using System.Collections.Immutable;
using System.Runtime.InteropServices;

namespace Candles.Core.Bars;

/// <summary>
/// A bar's volume by price level, ascending by price, one level per traded price on the bar's grid
/// (the native tick, or a coarser step whose label is the level's lower edge). Only traded levels appear.
/// </summary>
public sealed class Footprint
{
    /// <summary>The default value-area share, in percent of the bar's volume.</summary>
    public const int DefaultValueAreaPercent = 70;

    private Footprint(ImmutableArray<PriceLevel> levels, long stepTicks)
    {
        Levels = levels;
        StepTicks = stepTicks;
    }

    public static Footprint Empty { get; } = new([], 1);

    /// <summary>The traded levels, ascending by price.</summary>
    public ImmutableArray<PriceLevel> Levels { get; }

    /// <summary>The grid of the levels in ticks: 1 is the native tick.</summary>
    public long StepTicks { get; }

    public Volume Volume => Sum(static level => level.Volume);

    /// <summary>Buy volume minus sell volume over all levels.</summary>
    public Volume Delta => Sum(static level => level.Delta);

    /// <summary>
    /// A footprint from levels ascending by price, distinct, traded and on the <paramref name="stepTicks"/> grid;
    /// anything else is refused, so a footprint read from storage or the wire is as valid as a built one.
    /// </summary>
    public static Footprint Create(PriceLevel[] levels, long stepTicks)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stepTicks, 1);
        for (var i = 0; i < levels.Length; i++)
        {
            if ((i > 0 && levels[i].Price <= levels[i - 1].Price) || levels[i].Price % stepTicks != 0 || levels[i].Trades <= 0)
            {
                throw new ArgumentException($"level {i} at {levels[i].Price} is out of order, off the {stepTicks}-tick grid or untraded", nameof(levels));
            }
        }

        return FromSortedLevels(levels, stepTicks);
    }

    /// <summary>Wraps levels that are already sorted ascending by price, distinct, and on the <paramref name="stepTicks"/> grid.</summary>
    internal static Footprint FromSortedLevels(PriceLevel[] levels, long stepTicks) =>
        levels.Length == 0 && stepTicks == 1 ? Empty : new Footprint(ImmutableCollectionsMarshal.AsImmutableArray(levels), stepTicks);

    /// <summary>
    /// The same volume on a coarser grid of <paramref name="stepTicks"/> ticks, which must be a whole multiple of
    /// this footprint's step; a level is labelled by its lower edge, <c>floor(price / step) × step</c>.
    /// </summary>
    public Footprint GroupBy(long stepTicks)
    {
        if (stepTicks <= 0 || stepTicks % StepTicks != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(stepTicks), stepTicks, $"the step must be a positive multiple of {StepTicks} ticks");
        }

        if (stepTicks == StepTicks)
        {
            return this;
        }

        var grouped = new List<PriceLevel>(Levels.Length);
        foreach (var level in Levels)
        {
            var label = FloorToStep(level.Price, stepTicks);
            if (grouped.Count > 0 && grouped[^1].Price == label)
            {
                var last = grouped[^1];
                grouped[^1] = last with
                {
                    BuyVolume = last.BuyVolume + level.BuyVolume,
                    SellVolume = last.SellVolume + level.SellVolume,
                    Trades = last.Trades + level.Trades,
                };
            }
            else
            {
                grouped.Add(level with { Price = label });
            }
        }

        return FromSortedLevels([.. grouped], stepTicks);
    }

    /// <summary>The level with the largest volume; ties go to the lower price. Null when nothing traded.</summary>
    public PriceLevel? PointOfControl => Levels.IsEmpty ? null : Levels[PointOfControlIndex()];

    /// <summary>
    /// The value area: start at the point of control and repeatedly add the next traded level above or below
    /// the area, whichever has more volume (ties: above), until the area holds at least
    /// <paramref name="percent"/> % of the volume. Null when nothing traded.
    /// </summary>
    public ValueArea? ValueArea(int percent = DefaultValueAreaPercent)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(percent, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        if (Levels.IsEmpty)
        {
            return null;
        }

        var target = Volume * percent;
        var low = PointOfControlIndex();
        var high = low;
        var area = Levels[low].Volume;
        while (area * 100 < target)
        {
            var canRise = high + 1 < Levels.Length;
            var canFall = low > 0;
            if (canRise && (!canFall || Levels[high + 1].Volume >= Levels[low - 1].Volume))
            {
                area += Levels[++high].Volume;
            }
            else
            {
                area += Levels[--low].Volume;
            }
        }

        return new ValueArea(Levels[high].Price, Levels[low].Price);
    }

    /// <summary>Rounds a positive price in ticks down to the grid of <paramref name="stepTicks"/>.</summary>
    public static long FloorToStep(long price, long stepTicks) => price / stepTicks * stepTicks;

    private Volume Sum(Func<PriceLevel, Volume> of)
    {
        var total = Volume.Zero;
        foreach (var level in Levels)
        {
            total += of(level);
        }

        return total;
    }

    private int PointOfControlIndex()
    {
        var best = 0;
        for (var i = 1; i < Levels.Length; i++)
        {
            if (Levels[i].Volume > Levels[best].Volume)
            {
                best = i;
            }
        }

        return best;
    }
}
