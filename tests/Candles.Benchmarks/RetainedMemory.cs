using System.Globalization;
using Candles.Core.Building;

namespace Candles.Benchmarks;

/// <summary>
/// <c>retained</c>: the managed memory the golden tape's 1m bars hold once built (candles and tick footprints), measured
/// by the garbage collector after full collections, and what that comes to for 7 days of the same trading: as an
/// instrument's grain holds them (the newest hour as objects, the rest packed) and with every bar an object.
/// </summary>
public static class RetainedMemory
{
    public static void Report()
    {
        var ticks = GoldenTape.Ticks;
        foreach (var (form, unpacked) in new[] { ("as the service holds them (the newest hour objects, the rest packed)", BarBuilderOptions.Default.UnpackedSpan), ("every bar an object", null) })
        {
            var before = GC.GetTotalMemory(forceFullCollection: true);
            var bars = GoldenTape.Build(ticks, unpacked);
            var after = GC.GetTotalMemory(forceFullCollection: true);
            var bytes = after - before;
            var levels = bars.Sum(b => (long)b.Footprint.Levels.Length);
            var minutes = ((bars[^1].Candle.OpenTimeMs - bars[0].Candle.OpenTimeMs) / 60_000) + 1;
            var perWeek = bytes * (7 * 1440.0 / minutes);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{ticks.Length:N0} ticks, {bars.Count:N0} 1m bars over {minutes:N0} minutes, {levels:N0} footprint levels ({(double)levels / bars.Count:F1} a bar), {form}: "
                + $"{bytes / 1048576.0:F2} MiB retained, {(double)bytes / bars.Count:F0} B a bar; 7 days of such trading: {perWeek / 1048576.0:F1} MiB"));
            GC.KeepAlive(bars);
        }
    }
}
