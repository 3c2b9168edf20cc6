using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Candles.EndToEnd.Tests;

/// <summary>
/// Hostile and careless requests against the running service: every one gets a 4xx problem with a stable code
/// and a message, none a 5xx, and the service answers normally afterwards with nothing of them applied.
/// </summary>
public class BadInputCorpusTests(EmbeddedServer server) : IClassFixture<EmbeddedServer>
{
    private const string Instrument = "TEST:CORPUS";
    private static readonly long NowMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>Written into a body when it is sent, not when the cases are listed (which may be minutes earlier).</summary>
    private const string TwoMinutesAhead = "TWO_MINUTES_AHEAD";

    /// <summary>A request, and the status and problem code it must get.</summary>
    public sealed record BadRequest(string Name, HttpMethod Method, string Path, string? ContentType, byte[]? Body, int Status, string Code)
    {
        public override string ToString() => Name;
    }

    private static BadRequest Get(string path, int status, string code) => new(path, HttpMethod.Get, path, null, null, status, code);

    private static BadRequest Ingest(string name, string? contentType, string body, int status, string code, string query = "") =>
        new(name, HttpMethod.Post, "api/v1/ingest" + query, contentType, Encoding.UTF8.GetBytes(body), status, code);

    private static string Tick(string fields) => $$"""{"instrument":"{{Instrument}}","ticks":[{{{fields}}}]}""";

    private static string Good(long ms) => $"\"id\":1,\"t\":{ms},\"p\":\"100.00\",\"q\":\"1.000\",\"side\":\"buy\"";

    public static IEnumerable<BadRequest> Corpus()
    {
        foreach (var endpoint in new[] { "candles", "footprint", "heatmap" })
        {
            var at = $"api/v1/{endpoint}?instrument={Instrument}";
            yield return Get($"{at}&tf=1m&from=-9223372036854775808", 400, "bad_time");
            yield return Get($"{at}&tf=1m&to=9223372036854775807", 400, "bad_time");
            yield return Get($"{at}&tf=1m&from=100000000000000000000000000000", 400, "bad_time");
            yield return Get($"{at}&tf=1M&tz=Pacific/Chatham&from=-62135596800001", 400, "bad_time");
            yield return Get($"{at}&tf=1w&from=253402300800000", 400, "bad_time");
            yield return Get($"{at}&tf=1m&limit=99999999999999999999", 400, "bad_limit");
            yield return Get($"{at}&tf=1m&limit=-1", 400, "bad_limit");
            yield return Get($"{at}&tf=1m&limit=5001", 400, "bad_limit");
            yield return Get($"{at}&tf=0m", 400, "bad_timeframe");
            yield return Get($"{at}&tf=99999999999m", 400, "bad_timeframe");
            yield return Get($"{at}&tf=", 400, "bad_timeframe");
            yield return Get($"{at}&tf=1d&tz=Not/AZone", 400, "bad_zone");
            yield return Get($"api/v1/{endpoint}?instrument=&tf=1m", 400, "bad_instrument");
            yield return Get($"api/v1/{endpoint}?instrument=%20&tf=1m", 400, "bad_instrument");
            yield return Get($"api/v1/{endpoint}?tf=1m", 400, "bad_instrument");
            yield return Get($"api/v1/{endpoint}?instrument=test:lower&tf=1m", 400, "bad_instrument");
            yield return Get($"api/v1/{endpoint}?instrument=VENUE:{new string('X', 60)}&tf=1m", 400, "bad_instrument");
            yield return Get($"api/v1/{endpoint}?instrument=TEST:NEVERDEFINED&tf=1m", 404, "unknown_instrument");
        }

        foreach (var endpoint in new[] { "footprint", "heatmap" })
        {
            var at = $"api/v1/{endpoint}?instrument={Instrument}&tf=5m";
            yield return Get($"{at}&step=0", 400, "bad_step");
            yield return Get($"{at}&step=-1", 400, "bad_step");
            yield return Get($"{at}&step=abc", 400, "bad_step");
            yield return Get($"{at}&step=1e400", 400, "bad_step");
            yield return Get($"{at}&step=0.005", 400, "bad_step");
        }

        const string json = "application/json";
        yield return Ingest("ingest with no content type", null, Tick(Good(NowMs)), 415, "unsupported_media_type");
        yield return Ingest("ingest as text/plain", "text/plain", Tick(Good(NowMs)), 415, "unsupported_media_type");
        yield return Ingest("malformed JSON", json, "{\"instrument\":", 400, "bad_body");
        yield return Ingest("JSON null", json, "null", 400, "bad_body");
        yield return Ingest("ticks not an array", json, $$"""{"instrument":"{{Instrument}}","ticks":5}""", 400, "bad_body");
        yield return Ingest("id as a string", json, Tick("\"id\":\"x\",\"t\":1,\"p\":\"1.00\",\"q\":\"1.000\",\"side\":\"buy\""), 400, "bad_body");
        yield return Ingest("id overflowing 64 bits", json, Tick($"\"id\":100000000000000000000,\"t\":{NowMs},\"p\":\"1.00\",\"q\":\"1.000\",\"side\":\"buy\""), 400, "bad_body");
        yield return Ingest("time overflowing 64 bits", json, Tick($"\"id\":1,\"t\":1e30,\"p\":\"1.00\",\"q\":\"1.000\",\"side\":\"buy\""), 400, "bad_body");
        yield return Ingest("tick without id", json, Tick($"\"t\":{NowMs},\"p\":\"1.00\",\"q\":\"1.000\",\"side\":\"buy\""), 400, "bad_tick");
        yield return Ingest("negative id", json, Tick($"\"id\":-5,\"t\":{NowMs},\"p\":\"1.00\",\"q\":\"1.000\",\"side\":\"buy\""), 400, "bad_tick");
        yield return Ingest("tick from 2100", json, Tick(Good(4_102_444_800_000)), 400, "bad_tick_time");
        yield return Ingest("tick two minutes ahead", json, Tick(Good(0)).Replace("\"t\":0", $"\"t\":{TwoMinutesAhead}", StringComparison.Ordinal), 400, "bad_tick_time");
        yield return Ingest("tick from 2008", json, Tick(Good(1_220_000_000_000)), 400, "bad_tick_time");
        yield return Ingest("nanoseconds as us", json, Tick($"\"id\":1,\"us\":{NowMs * 1_000_000},\"p\":\"1.00\",\"q\":\"1.000\",\"side\":\"buy\""), 400, "bad_tick");
        yield return Ingest("microseconds as t", json, Tick($"\"id\":1,\"t\":{NowMs * 1000},\"p\":\"1.00\",\"q\":\"1.000\",\"side\":\"buy\""), 400, "bad_tick");
        yield return Ingest("price with an exponent", json, Tick($"\"id\":1,\"t\":{NowMs},\"p\":\"1e5\",\"q\":\"1.000\",\"side\":\"buy\""), 400, "bad_tick");
        yield return Ingest("price NaN", json, Tick($"\"id\":1,\"t\":{NowMs},\"p\":\"NaN\",\"q\":\"1.000\",\"side\":\"buy\""), 400, "bad_tick");
        yield return Ingest("price beyond 64 bits", json, Tick($"\"id\":1,\"t\":{NowMs},\"p\":\"99999999999999999999999999999.99\",\"q\":\"1.000\",\"side\":\"buy\""), 400, "bad_tick");
        yield return Ingest("negative t that would wrap to a valid time", json, Tick("\"id\":1,\"t\":-18445044073709551,\"p\":\"100.00\",\"q\":\"1.000\",\"side\":\"buy\""), 400, "bad_tick");
        yield return Ingest("quantity that would wrap 128 bits when scaled", json, Tick($"\"id\":1,\"t\":{NowMs},\"p\":\"100.00\",\"q\":\"340282366920938463463374607431768212\",\"side\":\"buy\""), 400, "bad_tick");
        yield return Ingest("price × quantity a bar cannot sum", json, Tick($"\"id\":1,\"t\":{NowMs},\"p\":\"92233720368547758.07\",\"q\":\"9223372036854775.807\",\"side\":\"buy\""), 400, "bad_tick");
        yield return Ingest("zero price", json, Tick($"\"id\":1,\"t\":{NowMs},\"p\":\"0.00\",\"q\":\"1.000\",\"side\":\"buy\""), 400, "bad_tick");
        yield return Ingest("zero quantity", json, Tick($"\"id\":1,\"t\":{NowMs},\"p\":\"100.00\",\"q\":\"0\",\"side\":\"buy\""), 400, "bad_tick");
        yield return Ingest("t and us two different times", json, Tick($"\"id\":1,\"t\":{NowMs},\"us\":{(NowMs * 1000) + 5000},\"p\":\"100.00\",\"q\":\"1.000\",\"side\":\"buy\""), 400, "bad_tick");
        yield return Ingest("price as a number", json, Tick($"\"id\":1,\"t\":{NowMs},\"p\":100.5,\"q\":\"1.000\",\"side\":\"buy\""), 400, "bad_body");
        yield return Ingest("side unknown", json, Tick($"\"id\":1,\"t\":{NowMs},\"p\":\"1.00\",\"q\":\"1.000\",\"side\":\"long\""), 400, "bad_tick");
        yield return Ingest("blank instrument", json, """{"instrument":"","ticks":[]}""", 400, "bad_instrument");
        yield return Ingest("no instrument", json, """{"ticks":[]}""", 400, "bad_instrument");
        yield return Ingest("unknown instrument", json, """{"instrument":"TEST:NEVERDEFINED","ticks":[]}""", 404, "unknown_instrument");
        yield return Ingest("csv with nanoseconds", "text/csv", $"1,100.00,1.000,100.0,{NowMs * 1_000_000},False,True\n", 400, "bad_tick", $"?instrument={Instrument}");
        yield return Ingest("csv from 2100", "text/csv", "1,100.00,1.000,100.0,4102444800000,False,True\n", 400, "bad_tick_time", $"?instrument={Instrument}");
        yield return Ingest("csv garbage", "text/csv", "\u0001\u0002,,,\n\n", 400, "bad_tick", $"?instrument={Instrument}");
        yield return Ingest("csv with a live flag that is no boolean", "text/csv", $"1,100.00,1.000,100.0,{NowMs},False,True\n", 400, "bad_request", $"?instrument={Instrument}&live=yes");
        yield return Ingest("csv with a flush flag that is no boolean", "text/csv", $"1,100.00,1.000,100.0,{NowMs},False,True\n", 400, "bad_request", $"?instrument={Instrument}&flush=1");
        yield return Ingest("csv without instrument", "text/csv", "1,100.00,1.000,100.0,1,False,True\n", 400, "bad_instrument");
        yield return new BadRequest("define with a bad tick size", HttpMethod.Put, $"api/v1/instruments/{Instrument}", json, Encoding.UTF8.GetBytes("""{"tickSize":"0","qtyStep":"0.001"}"""), 400, "bad_tick_size");
        yield return new BadRequest("define with a bad quantity step", HttpMethod.Put, $"api/v1/instruments/{Instrument}", json, Encoding.UTF8.GetBytes("""{"tickSize":"0.01","qtyStep":"-1"}"""), 400, "bad_qty_step");
        yield return new BadRequest("define a lower-case id", HttpMethod.Put, "api/v1/instruments/test:x", json, Encoding.UTF8.GetBytes("""{"tickSize":"0.01","qtyStep":"0.001"}"""), 400, "bad_instrument");
    }

    public static TheoryData<BadRequest> Cases() => [.. Corpus()];

    private async Task DefineAsync() => await ServiceCalls.DefineAsync(server.Http, Instrument);

    private async Task<HttpResponseMessage> SendAsync(BadRequest item)
    {
        using var request = new HttpRequestMessage(item.Method, item.Path);
        if (item.Body is not null)
        {
            var body = item.Body.Length < 10_000
                ? Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(item.Body).Replace(TwoMinutesAhead, (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 120_000).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal))
                : item.Body;
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = item.ContentType is null ? null : MediaTypeHeaderValue.Parse(item.ContentType);
        }

        request.Headers.Add("X-Api-Key", EmbeddedServer.ApiKey);

        // So a body the service refuses by its length is answered before it is sent.
        request.Headers.ExpectContinue = item.Body?.Length > 1_000_000;
        return await server.Http.SendAsync(request);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task EachBadRequestIsA4xxProblemThatSaysWhy(BadRequest item)
    {
        await DefineAsync();
        using var response = await SendAsync(item);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == item.Status, $"{item.Name}: {(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.True(problem.TryGetProperty("code", out var code), body);
        Assert.Equal(item.Code, code.GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task TheWholeCorpusLeavesNo5xxAndTheInstrumentTakesRealTicksAfterIt()
    {
        await DefineAsync();
        var failures = new List<string>();
        foreach (var item in Corpus())
        {
            using var response = await SendAsync(item);
            if ((int)response.StatusCode >= 500)
            {
                failures.Add($"{item.Name}: {(int)response.StatusCode}");
            }
        }

        Assert.Empty(failures);

        // Nothing of the corpus was applied, and a tick of now still is: the 2100 tick moved nothing.
        var candles = await server.Http.GetFromJsonAsync<JsonElement>($"api/v1/candles?instrument={Instrument}&tf=1m");
        Assert.Empty(candles.GetProperty("candles").EnumerateArray());
        var minute = NowMs / 60_000 * 60_000;
        await ServiceCalls.IngestAsync(server.Http, Instrument, [(77, minute + 1, "100.00", "1.000", "buy")]);
        candles = await server.Http.GetFromJsonAsync<JsonElement>($"api/v1/candles?instrument={Instrument}&tf=1m");
        var bar = Assert.Single(candles.GetProperty("candles").EnumerateArray());
        Assert.Equal(minute, bar.GetProperty("t").GetInt64());
    }

    [Fact]
    public async Task ABodyOverTheSizeLimitIsA413()
    {
        await DefineAsync();
        var huge = new byte[31 * 1024 * 1024];
        Array.Fill(huge, (byte)' ');
        using var response = await SendAsync(new BadRequest("huge", HttpMethod.Post, "api/v1/ingest", "application/json", huge, 413, "body_too_large"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("body_too_large", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task AnAliasZoneIsServedUnderItsCanonicalName()
    {
        await DefineAsync();
        var candles = await server.Http.GetFromJsonAsync<JsonElement>($"api/v1/candles?instrument={Instrument}&tf=1d&tz=US/Eastern");
        Assert.Equal("America/New_York", candles.GetProperty("tz").GetString());
    }
}
