using System.Net.Http.Json;
using System.Text.Json;

using static Candles.EndToEnd.Tests.ServiceCalls;

namespace Candles.EndToEnd.Tests;

/// <summary>TradingView's UDF datafeed, every endpoint, as the Charting Library's UDF adapter calls it.</summary>
public class UdfTests(EmbeddedServer server) : IClassFixture<EmbeddedServer>
{
    private static readonly long T0 = Ms("2026-09-07T12:00:00Z");

    private Task<JsonElement> GetAsync(string url) => server.Http.GetFromJsonAsync<JsonElement>(url);

    private static string[] Raw(JsonElement history, string column) => [.. history.GetProperty(column).EnumerateArray().Select(v => v.GetRawText())];

    private async Task<string> TapeAsync(string instrument)
    {
        await DefineAsync(server.Http, instrument, "0.5", "0.01");
        await IngestAsync(server.Http, instrument,
        [
            (1, T0 + 1_000, "100.5", "1.25", "buy"), (2, T0 + 2_000, "101.0", "0.75", "sell"),
            (3, T0 + 61_000, "99.5", "2.00", "sell"), (4, T0 + 301_000, "102.0", "1.00", "buy"),
        ], flush: true);
        return instrument;
    }

    [Fact]
    public async Task TimeIsTheServersUnixSeconds()
    {
        var seconds = long.Parse(await server.Http.GetStringAsync("udf/time"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(seconds, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 60);
    }

    [Fact]
    public async Task ConfigOffersTheResolutionsSearchAndTheVenues()
    {
        await DefineAsync(server.Http, "UDFCFG:BTCUSD");
        var config = await GetAsync("udf/config");
        Assert.Equal(["1", "3", "5", "15", "30", "60", "120", "240", "360", "720", "1D", "1W", "1M"], config.GetProperty("supported_resolutions").EnumerateArray().Select(r => r.GetString()));
        Assert.True(config.GetProperty("supports_search").GetBoolean());
        Assert.False(config.GetProperty("supports_group_request").GetBoolean());
        Assert.Contains("UDFCFG", config.GetProperty("exchanges").EnumerateArray().Select(e => e.GetProperty("value").GetString()));
    }

    [Theory]
    [InlineData("UDFSYM:CENTS", "0.01", 100L, 1L)]
    [InlineData("UDFSYM:HALVES", "0.5", 10L, 5L)]
    [InlineData("UDFSYM:FIVES", "5", 1L, 5L)]
    [InlineData("UDFSYM:PEPE", "0.00000001", 100_000_000L, 1L)]
    public async Task SymbolInfoTradesAllDayAndTakesPriceScaleAndMinMoveFromTheTickSize(string instrument, string tick, long pricescale, long minmov)
    {
        await DefineAsync(server.Http, instrument, tick, "0.001");
        var info = await GetAsync($"udf/symbols?symbol={instrument}");
        Assert.Equal((instrument, "24x7", "Etc/UTC", pricescale, minmov, true, 3),
            (info.GetProperty("ticker").GetString(), info.GetProperty("session").GetString(), info.GetProperty("timezone").GetString(),
             info.GetProperty("pricescale").GetInt64(), info.GetProperty("minmov").GetInt64(), info.GetProperty("has_intraday").GetBoolean(), info.GetProperty("volume_precision").GetInt32()));
    }

    [Fact]
    public async Task AnUnknownSymbolIsAnErrorTheAdapterUnderstands()
    {
        var info = await GetAsync("udf/symbols?symbol=UDF:NOSUCH");
        Assert.Equal("error", info.GetProperty("s").GetString());
        Assert.StartsWith("unknown_symbol", info.GetProperty("errmsg").GetString());
    }

    [Fact]
    public async Task SearchFindsByPartOfTheNameWithinAVenue()
    {
        await DefineAsync(server.Http, "UDFSRCH:ETHUSD");
        await DefineAsync(server.Http, "UDFSRCH:BTCUSD");
        await DefineAsync(server.Http, "UDFOTHER:ETHUSD");
        var found = await GetAsync("udf/search?query=eth&type=&exchange=UDFSRCH&limit=10");
        var only = Assert.Single(found.EnumerateArray());
        Assert.Equal(("ETHUSD", "UDFSRCH:ETHUSD", "UDFSRCH", "UDFSRCH:ETHUSD"),
            (only.GetProperty("symbol").GetString(), only.GetProperty("full_name").GetString(), only.GetProperty("exchange").GetString(), only.GetProperty("ticker").GetString()));

        // A limit that is no number is a UDF error, as the adapter reads one, not the framework's 400.
        var refused = await GetAsync("udf/search?query=eth&limit=lots");
        Assert.Equal(("error", "limit 'lots' is not a whole number"), (refused.GetProperty("s").GetString(), refused.GetProperty("errmsg").GetString()));
    }

    [Fact]
    public async Task HistoryGivesColumnsOfExactNumbersInSecondsForMinutesAndComposedResolutions()
    {
        var instrument = await TapeAsync("UDFHIST:ONE");
        var from = (T0 / 1000) - 3600;
        var to = (T0 / 1000) + 3600;
        var minutes = await GetAsync($"udf/history?symbol={instrument}&resolution=1&from={from}&to={to}");
        Assert.Equal("ok", minutes.GetProperty("s").GetString());
        Assert.Equal([$"{T0 / 1000}", $"{(T0 / 1000) + 60}", $"{(T0 / 1000) + 300}"], Raw(minutes, "t"));
        Assert.Equal(["100.5", "99.5", "102.0"], Raw(minutes, "o"));
        Assert.Equal(["101.0", "99.5", "102.0"], Raw(minutes, "h"));
        Assert.Equal(["2.00", "2.00", "1.00"], Raw(minutes, "v"));

        var five = await GetAsync($"udf/history?symbol={instrument}&resolution=5&from={from}&to={to}");
        Assert.Equal([$"{T0 / 1000}", $"{(T0 / 1000) + 300}"], Raw(five, "t"));
        Assert.Equal(["100.5", "102.0"], Raw(five, "o"));
        Assert.Equal(["99.5", "102.0"], Raw(five, "c"));
        Assert.Equal(["4.00", "1.00"], Raw(five, "v"));

        var day = await GetAsync($"udf/history?symbol={instrument}&resolution=1D&from={from - 86_400}&to={to}");
        Assert.Equal([$"{Ms("2026-09-07T00:00:00Z") / 1000}"], Raw(day, "t"));
        Assert.Equal(["5.00"], Raw(day, "v"));
    }

    [Fact]
    public async Task CountbackTakesTheLastBarsUpToTo()
    {
        var instrument = await TapeAsync("UDFHIST:COUNT");
        var history = await GetAsync($"udf/history?symbol={instrument}&resolution=1&from={(T0 / 1000) + 250}&to={(T0 / 1000) + 3600}&countback=2");
        Assert.Equal([$"{(T0 / 1000) + 60}", $"{(T0 / 1000) + 300}"], Raw(history, "t"));
    }

    [Fact]
    public async Task ToIsExclusiveSoPagingBackWithTheOldestBarHeldDoesNotBringItAgain()
    {
        var instrument = await TapeAsync("UDFHIST:TO");
        var range = await GetAsync($"udf/history?symbol={instrument}&resolution=1&from={(T0 / 1000) - 3600}&to={(T0 / 1000) + 60}");
        Assert.Equal([$"{T0 / 1000}"], Raw(range, "t"));
        var page = await GetAsync($"udf/history?symbol={instrument}&resolution=1&from=0&to={(T0 / 1000) + 300}&countback=5");
        Assert.Equal([$"{T0 / 1000}", $"{(T0 / 1000) + 60}"], Raw(page, "t"));
    }

    [Fact]
    public async Task ARangeWithoutBarsIsNoDataWithTheTimeOfTheLastBarBeforeIt()
    {
        var instrument = await TapeAsync("UDFHIST:EMPTY");
        var after = await GetAsync($"udf/history?symbol={instrument}&resolution=1&from={(T0 / 1000) + 7200}&to={(T0 / 1000) + 9000}");
        Assert.Equal(("no_data", (T0 / 1000) + 300), (after.GetProperty("s").GetString(), after.GetProperty("nextTime").GetInt64()));

        var before = await GetAsync($"udf/history?symbol={instrument}&resolution=1&from={(T0 / 1000) - 9000}&to={(T0 / 1000) - 7200}");
        Assert.Equal("no_data", before.GetProperty("s").GetString());
        Assert.False(before.TryGetProperty("nextTime", out _));
    }

    [Theory]
    [InlineData("resolution=2D&from=0&to=100", "resolution '2D'")]
    [InlineData("resolution=1S&from=0&to=100", "resolution '1S'")]
    [InlineData("resolution=1441&from=0&to=100", "resolution '1441'")]
    [InlineData("resolution=1&from=100", "needs 'to'")]
    [InlineData("resolution=1&from=200&to=100", "needs 'to'")]
    [InlineData("resolution=1&to=100&countback=0", "positive 'countback'")]
    [InlineData("resolution=1&from=-99999999999999999&to=100", "needs 'to'")]
    [InlineData("resolution=1&to=100&countback=20001", "more than 20000 bars")]
    [InlineData("resolution=1&from=abc&to=100", "whole numbers")]
    [InlineData("resolution=1&from=0&to=1e9", "whole numbers")]
    [InlineData("resolution=1&to=100&countback=1.5", "whole numbers")]
    [InlineData("resolution=1&to=100&countback=99999999999", "whole numbers")]
    public async Task BadHistoryRequestsAreErrorsThatSayWhy(string query, string message)
    {
        var instrument = await TapeAsync("UDFHIST:BAD");
        var history = await GetAsync($"udf/history?symbol={instrument}&{query}");
        Assert.Equal("error", history.GetProperty("s").GetString());
        Assert.Contains(message, history.GetProperty("errmsg").GetString());
    }
}
