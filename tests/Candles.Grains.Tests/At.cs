using System.Globalization;
using Candles.Core.Ticks;

namespace Candles.Grains.Tests;

/// <summary>Times written as ISO 8601 text, and ticks at them.</summary>
internal static class At
{
    public static long Ms(string iso) => DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();

    public static long Us(string iso) => Ms(iso) * 1000;

    public static Tick Buy(long id, string iso, long price, long quantity = 1) => new(id, Us(iso), price, quantity, AggressorSide.Buy);
}
