using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Candles.Testing;

namespace Candles.EndToEnd.Tests;

/// <summary>What REST serves, as golden-file rows: candles (the ten columns REST carries: no trade ids), footprints, profiles.</summary>
internal static class RestRows
{
    public static string Candle(JsonElement c) => string.Join(
        ',', c.GetProperty("t").GetInt64().ToString(CultureInfo.InvariantCulture), S(c, "o"), S(c, "h"), S(c, "l"), S(c, "c"), S(c, "v"), S(c, "bv"), S(c, "sv"), S(c, "qv"),
        c.GetProperty("n").GetInt64().ToString(CultureInfo.InvariantCulture));

    /// <summary>The rows of one golden-style file as REST serves them, under <paramref name="header"/>.</summary>
    public static async Task<List<string>> ServedAsync(HttpClient http, string instrument, GoldenCase golden, string header)
    {
        var bars = await BarsAsync(http, instrument, golden.Kind == "candles" ? "candles" : "footprint", golden);
        return golden.Kind switch
        {
            "candles" => [header, .. bars.Select(Candle)],
            "footprint" => [header, .. bars.SelectMany(FootprintRows)],
            _ => [header, .. bars.Select(ProfileRow)],
        };
    }

    /// <summary>Every bar, page by page (at most 5000 a request).</summary>
    private static async Task<List<JsonElement>> BarsAsync(HttpClient http, string instrument, string endpoint, GoldenCase golden)
    {
        var bars = new List<JsonElement>();
        long from = 0;
        while (true)
        {
            var url = $"api/v1/{endpoint}?instrument={instrument}&tf={golden.Timeframe}&tz={golden.Zone}&from={from}&limit=5000"
                + (golden.Step is null ? string.Empty : $"&step={golden.Step}");
            var page = await http.GetFromJsonAsync<JsonElement>(url);
            var items = page.GetProperty(endpoint == "candles" ? "candles" : "bars").EnumerateArray().ToList();
            bars.AddRange(items);
            if (items.Count < 5000)
            {
                return bars;
            }

            from = OpenTime(items[^1]) + 1;
        }
    }

    private static long OpenTime(JsonElement bar) => bar.GetProperty("t").GetInt64();

    private static IEnumerable<string> FootprintRows(JsonElement bar)
    {
        var t = OpenTime(bar).ToString(CultureInfo.InvariantCulture);
        return bar.GetProperty("levels").EnumerateArray().Select(l =>
            string.Join(',', t, S(l, "p"), S(l, "bv"), S(l, "sv"), l.GetProperty("n").GetInt64().ToString(CultureInfo.InvariantCulture)));
    }

    private static string ProfileRow(JsonElement bar) => string.Join(
        ',', OpenTime(bar).ToString(CultureInfo.InvariantCulture), S(bar, "poc"), S(bar, "vah"), S(bar, "val"), S(bar, "delta"), S(bar, "v"));

    private static string S(JsonElement element, string name) => element.GetProperty(name).GetString()!;
}
