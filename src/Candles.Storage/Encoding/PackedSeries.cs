using Candles.Core.Bars;

namespace Candles.Storage.Encoding;

/// <summary>The in-memory stores' series: bars by open time, each held as <see cref="PackedBar"/> bytes.</summary>
internal static class PackedSeries
{
    /// <summary>The bars opening in [<paramref name="fromMs"/>, <paramref name="toMs"/>), unpacked, ascending; without <paramref name="footprints"/> their levels are not read.</summary>
    public static List<Bar> Between(SortedList<long, byte[]> series, long fromMs, long toMs, bool footprints = true)
    {
        List<Bar> bars = [];
        foreach (var (openTimeMs, packed) in series)
        {
            if (openTimeMs >= fromMs && openTimeMs < toMs)
            {
                bars.Add(PackedBar.Unpack(packed, footprints));
            }
        }

        return bars;
    }
}
