using System.Globalization;
using System.Text.Json;

namespace Candles.EndToEnd.Tests;

/// <summary>A REST candle as a golden-file row (the ten columns REST carries: no trade ids).</summary>
internal static class RestRows
{
    public static string Candle(JsonElement c) => string.Join(
        ',', c.GetProperty("t").GetInt64().ToString(CultureInfo.InvariantCulture), S(c, "o"), S(c, "h"), S(c, "l"), S(c, "c"), S(c, "v"), S(c, "bv"), S(c, "sv"), S(c, "qv"),
        c.GetProperty("n").GetInt64().ToString(CultureInfo.InvariantCulture));

    private static string S(JsonElement element, string name) => element.GetProperty(name).GetString()!;
}
