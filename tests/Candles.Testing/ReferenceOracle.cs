using System.Globalization;

namespace Candles.Testing;

/// <summary>
/// An independent oracle for tapes the golden files do not cover: plain <see cref="decimal"/> arithmetic,
/// <see cref="TimeZoneInfo"/> from the system tz database (not NodaTime), and LINQ group-by, written from
/// DESIGN §2 without using the product's code. Output rows have the golden files' columns.
/// </summary>
public static class ReferenceOracle
{
    public sealed record Trade(long Id, decimal Price, decimal Quantity, long TimeUs, bool BuyerIsMaker);

    public static List<string> Candles(IEnumerable<Trade> trades, string timeframe, string zone) =>
    [
        "open_time,open,high,low,close,volume,buy_volume,sell_volume,quote_volume,trades,first_trade_id,last_trade_id",
        .. Distinct(trades).GroupBy(t => BarStart(t.TimeUs, timeframe, zone)).OrderBy(g => g.Key).Select(bar =>
        {
            var ordered = bar.OrderBy(t => t.TimeUs).ThenBy(t => t.Id).ToList();
            return Row(
                bar.Key, ordered[0].Price, bar.Max(t => t.Price), bar.Min(t => t.Price), ordered[^1].Price,
                bar.Sum(t => t.Quantity), bar.Where(t => !t.BuyerIsMaker).Sum(t => t.Quantity), bar.Where(t => t.BuyerIsMaker).Sum(t => t.Quantity),
                bar.Sum(t => t.Price * t.Quantity), bar.Count(), ordered[0].Id, ordered[^1].Id);
        }),
    ];

    public static List<string> Footprints(IEnumerable<Trade> trades, string timeframe, string zone, decimal step) =>
    [
        "open_time,price,buy_volume,sell_volume,trades",
        .. Levels(trades, timeframe, zone, step).SelectMany(bar => bar.Levels.Select(l => Row(bar.Start, l.Price, l.Buy, l.Sell, l.Trades))),
    ];

    public static List<string> Profiles(IEnumerable<Trade> trades, string timeframe, string zone, decimal step) =>
    [
        "open_time,poc,vah,val,delta,volume",
        .. Levels(trades, timeframe, zone, step).Select(bar =>
        {
            var levels = bar.Levels;
            var volumes = levels.Select(l => l.Buy + l.Sell).ToList();
            var total = volumes.Sum();
            var poc = volumes.IndexOf(volumes.Max());
            int low = poc, high = poc;
            var area = volumes[poc];
            while (area < total * 0.7m)
            {
                var above = high + 1 < levels.Count ? volumes[high + 1] : -1;
                var below = low > 0 ? volumes[low - 1] : -1;
                if (above >= below)
                {
                    area += volumes[++high];
                }
                else
                {
                    area += volumes[--low];
                }
            }

            return Row(bar.Start, levels[poc].Price, levels[high].Price, levels[low].Price, levels.Sum(l => l.Buy - l.Sell), total);
        }),
    ];

    private static IEnumerable<(long Start, List<(decimal Price, decimal Buy, decimal Sell, int Trades)> Levels)> Levels(
        IEnumerable<Trade> trades, string timeframe, string zone, decimal step) =>
        Distinct(trades).GroupBy(t => BarStart(t.TimeUs, timeframe, zone)).OrderBy(g => g.Key).Select(bar => (
            bar.Key,
            bar.GroupBy(t => Math.Floor(t.Price / step) * step).OrderBy(g => g.Key)
                .Select(l => (l.Key, l.Where(t => !t.BuyerIsMaker).Sum(t => t.Quantity), l.Where(t => t.BuyerIsMaker).Sum(t => t.Quantity), l.Count()))
                .ToList()));

    private static IEnumerable<Trade> Distinct(IEnumerable<Trade> trades) => trades.DistinctBy(t => t.Id);

    /// <summary>The bar's open time in Unix ms, straight from DESIGN §2.</summary>
    private static long BarStart(long timeUs, string timeframe, string zoneName)
    {
        var timeMs = (long)Math.Floor(timeUs / 1000m);
        var count = int.Parse(timeframe[..^1], CultureInfo.InvariantCulture);
        const long day = 86_400_000;
        switch (timeframe[^1])
        {
            case 'm':
            case 'h':
                var length = count * (timeframe[^1] == 'm' ? 60_000L : 3_600_000L);
                var dayStart = (long)Math.Floor(timeMs / (decimal)day) * day;
                return dayStart + ((timeMs - dayStart) / length * length);
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneName);
        var local = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(timeMs), zone).DateTime.Date;
        var first = timeframe[^1] switch
        {
            'd' => local,
            'w' => local.AddDays(-(((int)local.DayOfWeek + 6) % 7)),
            _ => new DateTime(local.Year, local.Month, 1, 0, 0, 0, DateTimeKind.Unspecified),
        };
        return FirstInstantOf(first, zone);
    }

    /// <summary>The first minute whose local time is on or after local midnight of <paramref name="date"/>, by bisection.</summary>
    private static long FirstInstantOf(DateTime date, TimeZoneInfo zone)
    {
        var guess = new DateTimeOffset(date.Year, date.Month, date.Day, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        long low = (guess / 60_000) - (18 * 60), high = (guess / 60_000) + (18 * 60);
        while (low < high)
        {
            var mid = (low + high) / 2;
            var local = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(mid * 60_000), zone).DateTime;
            if (local >= date)
            {
                high = mid;
            }
            else
            {
                low = mid + 1;
            }
        }

        return low * 60_000;
    }

    private static string Row(params object[] cells) =>
        string.Join(',', cells.Select(c => Convert.ToString(c, CultureInfo.InvariantCulture)));
}
