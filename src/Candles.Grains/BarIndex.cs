using Candles.Core.Bars;

namespace Candles.Grains;

/// <summary>Binary searches over bars ascending by open time.</summary>
internal static class BarIndex
{
    /// <summary>The index of the first bar opening at or after <paramref name="timeMs"/>.</summary>
    public static int LowerBound(IReadOnlyList<Bar> bars, long timeMs) => Search(bars, b => b.Candle.OpenTimeMs < timeMs);

    /// <summary>The index of the first bar ending after <paramref name="timeMs"/>.</summary>
    public static int FirstEndingAfter(IReadOnlyList<Bar> bars, long timeMs) => Search(bars, b => b.Candle.Period.EndMs <= timeMs);

    /// <summary>The bar opening at <paramref name="openMs"/>, if there is one.</summary>
    public static Bar? At(IReadOnlyList<Bar> bars, long openMs)
    {
        var index = LowerBound(bars, openMs);
        return index < bars.Count && bars[index].Candle.OpenTimeMs == openMs ? bars[index] : null;
    }

    /// <summary>The first index where <paramref name="before"/> turns false; it must be true for a prefix only.</summary>
    private static int Search(IReadOnlyList<Bar> bars, Func<Bar, bool> before)
    {
        int low = 0, high = bars.Count;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (before(bars[mid]))
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }
}
