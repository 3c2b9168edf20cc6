using Candles.Core.Bars;

namespace Candles.Core.Composition;

/// <summary>
/// Buy and sell volume by (bar, price level) for consecutive bars on one price grid, sparse: only traded
/// cells appear. <see cref="Times"/> are bar open times ascending, <see cref="Prices"/> the traded levels
/// ascending, and each cell points into both.
/// </summary>
public sealed record Heatmap(IReadOnlyList<long> Times, IReadOnlyList<long> Prices, IReadOnlyList<HeatmapCell> Cells)
{
    /// <summary>Lays the footprints of <paramref name="bars"/> (ascending, already on one grid) out as a matrix.</summary>
    public static Heatmap From(IReadOnlyList<Bar> bars)
    {
        var prices = new SortedSet<long>();
        foreach (var bar in bars)
        {
            foreach (var level in bar.Footprint.Levels)
            {
                prices.Add(level.Price);
            }
        }

        var priceIndex = new Dictionary<long, int>(prices.Count);
        foreach (var price in prices)
        {
            priceIndex[price] = priceIndex.Count;
        }

        var times = new long[bars.Count];
        var cells = new List<HeatmapCell>();
        for (var t = 0; t < bars.Count; t++)
        {
            times[t] = bars[t].Candle.OpenTimeMs;
            foreach (var level in bars[t].Footprint.Levels)
            {
                cells.Add(new HeatmapCell(t, priceIndex[level.Price], level.BuyVolume, level.SellVolume));
            }
        }

        return new Heatmap(times, [.. prices], cells);
    }
}

/// <summary>One traded cell: indexes into <see cref="Heatmap.Times"/> and <see cref="Heatmap.Prices"/>, volumes in quantity steps.</summary>
public readonly record struct HeatmapCell(int TimeIndex, int PriceIndex, Volume BuyVolume, Volume SellVolume);
