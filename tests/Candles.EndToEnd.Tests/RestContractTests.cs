using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Candles.EndToEnd.Tests;

/// <summary>Bad requests get problem details that say what was wrong, and lose nothing.</summary>
public class RestContractTests(EmbeddedServer server) : IClassFixture<EmbeddedServer>
{
    private const string Instrument = "TEST:REST";

    private async Task DefineAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"api/v1/instruments/{Instrument}") { Content = JsonContent.Create(new { tickSize = "0.01", qtyStep = "0.001" }) };
        request.Headers.Add("X-Api-Key", EmbeddedServer.ApiKey);
        using var response = await server.Http.SendAsync(request);
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private async Task<HttpResponseMessage> IngestAsync(object body, string? key = EmbeddedServer.ApiKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/ingest") { Content = JsonContent.Create(body) };
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        return await server.Http.SendAsync(request);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code, string message)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Contains(message, problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("tf=2d", "bad_timeframe", "timeframe '2d' is not one of")]
    [InlineData("tf=1m&tz=Mars/Base", "bad_zone", "Mars/Base")]
    [InlineData("tf=1m&from=yesterday", "bad_time", "from 'yesterday'")]
    [InlineData("tf=1m&from=2026-03-01T00:00:00", "bad_time", "with a zone")]
    [InlineData("tf=1m&from=200&to=100", "bad_range", "must be before")]
    [InlineData("tf=1m&limit=5001", "bad_limit", "from 1 to 5000")]
    [InlineData("tf=1m&limit=0", "bad_limit", "from 1 to 5000")]
    public async Task BadCandleParametersAreA400ThatSaysWhy(string query, string code, string message)
    {
        await DefineAsync();
        using var response = await server.Http.GetAsync($"api/v1/candles?instrument={Instrument}&{query}");
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, code, message);
    }

    [Fact]
    public async Task UnknownInstrumentIsA404AndALowerCaseIdA400()
    {
        using var unknown = await server.Http.GetAsync("api/v1/candles?instrument=TEST:NOSUCH&tf=1m");
        await AssertProblemAsync(unknown, HttpStatusCode.NotFound, "unknown_instrument", "TEST:NOSUCH");
        using var lower = await server.Http.GetAsync("api/v1/candles?instrument=test:rest&tf=1m");
        await AssertProblemAsync(lower, HttpStatusCode.BadRequest, "bad_instrument", "upper case");
    }

    [Fact]
    public async Task FootprintStepOffTheTickGridIsRefused()
    {
        await DefineAsync();
        using var response = await server.Http.GetAsync($"api/v1/footprint?instrument={Instrument}&tf=1h&step=0.015");
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "bad_step", "whole multiple of the tick size 0.01");
    }

    [Fact]
    public async Task WritesWithoutTheKeyAre401()
    {
        await DefineAsync();
        using var missing = await IngestAsync(new { instrument = Instrument, ticks = Array.Empty<object>() }, key: null);
        await AssertProblemAsync(missing, HttpStatusCode.Unauthorized, "api_key_required", "X-Api-Key");
        using var wrong = await IngestAsync(new { instrument = Instrument, ticks = Array.Empty<object>() }, key: "guess");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
    }

    [Fact]
    public async Task DefiningAnInstrumentAnswersWithTheFieldNamesTheListingUses()
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "api/v1/instruments/TEST:RESTSHAPE") { Content = JsonContent.Create(new { tickSize = "0.01", qtyStep = "0.001" }) };
        request.Headers.Add("X-Api-Key", EmbeddedServer.ApiKey);
        using var response = await server.Http.SendAsync(request);
        var defined = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(["id", "qtyStep", "tickSize"], defined.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(("TEST:RESTSHAPE", "0.01", "0.001"), (defined.GetProperty("id").GetString(), defined.GetProperty("tickSize").GetString(), defined.GetProperty("qtyStep").GetString()));

        var listed = JsonDocument.Parse(await server.Http.GetStringAsync("api/v1/instruments")).RootElement.EnumerateArray().Single(i => i.GetProperty("id").GetString() == "TEST:RESTSHAPE");
        Assert.Equal(["firstBar", "id", "lastBar", "qtyStep", "tickSize"], listed.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal((defined.GetProperty("tickSize").GetString(), defined.GetProperty("qtyStep").GetString()), (listed.GetProperty("tickSize").GetString(), listed.GetProperty("qtyStep").GetString()));
    }

    [Fact]
    public async Task ConflictingRedefinitionIsA409()
    {
        await DefineAsync();
        using var request = new HttpRequestMessage(HttpMethod.Put, $"api/v1/instruments/{Instrument}") { Content = JsonContent.Create(new { tickSize = "0.5", qtyStep = "0.001" }) };
        request.Headers.Add("X-Api-Key", EmbeddedServer.ApiKey);
        using var response = await server.Http.SendAsync(request);
        await AssertProblemAsync(response, HttpStatusCode.Conflict, "instrument_conflict", "already defined");
    }

    [Fact]
    public async Task ABadTickRefusesItsWholeBatchAndAppliesNothing()
    {
        await DefineAsync();
        var good = new { id = 900_001L, us = 1_780_000_000_000_000L, p = "100.00", q = "1.000", side = "buy" };
        var offGrid = new { id = 900_002L, us = 1_780_000_000_100_000L, p = "100.005", q = "1.000", side = "sell" };
        using var response = await IngestAsync(new { instrument = Instrument, ticks = new object[] { good, offGrid } });
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "bad_tick", "tick 1 (id 900002): price '100.005' is not a whole multiple of 0.01");
        var candles = await server.Http.GetFromJsonAsync<JsonElement>($"api/v1/candles?instrument={Instrument}&tf=1m&from=1779999960000&to=1780000060000");
        Assert.Empty(candles.GetProperty("candles").EnumerateArray());
    }

    [Fact]
    public async Task IngestIsIdempotentByTradeIdAndCountsEveryOutcome()
    {
        await DefineAsync();
        var tick = new { id = 800_001L, t = 1_781_000_000_000L, p = "100.00", q = "1.000", side = "sell" };
        using var first = await IngestAsync(new { instrument = Instrument, flush = true, ticks = new[] { tick } });
        using var again = await IngestAsync(new { instrument = Instrument, ticks = new[] { tick } });
        Assert.Equal(1, (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("applied").GetInt32());
        var report = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((1, 0, 1), (report.GetProperty("received").GetInt32(), report.GetProperty("applied").GetInt32(), report.GetProperty("duplicates").GetInt32()));
    }

    [Fact]
    public async Task CsvBatchWithABadLineIsRefusedWithTheLineNumber()
    {
        await DefineAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/ingest?instrument={Instrument}")
        {
            Content = new StringContent("700001,100.00,1.000,100.0,1782000000000000,False,True\n700002,100.00,abc,1.0,1782000000000001,False,True\n"),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        request.Headers.Add("X-Api-Key", EmbeddedServer.ApiKey);
        using var response = await server.Http.SendAsync(request);
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "bad_tick", "csv line 2: quantity 'abc' is not a number");
        var candles = await server.Http.GetFromJsonAsync<JsonElement>($"api/v1/candles?instrument={Instrument}&tf=1m&from=1781999940000&to=1782000060000");
        Assert.Empty(candles.GetProperty("candles").EnumerateArray());
    }

    [Fact]
    public async Task OversizedBatchIsA413()
    {
        await DefineAsync();
        var ticks = Enumerable.Range(0, 100_001).Select(i => new { id = (long)i, t = 1_781_000_000_000L, p = "1.00", q = "1.000", side = "buy" });
        using var response = await IngestAsync(new { instrument = Instrument, ticks });
        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "batch_too_large", "at most 100000");
    }

    [Fact]
    public async Task OpenApiDocumentDescribesTheEndpoints()
    {
        var document = await server.Http.GetStringAsync("openapi/v1.json");
        Assert.Contains("/api/v1/candles", document);
        Assert.Contains("/api/v1/ingest", document);

        // A client generated from the document can send every parameter of the bar reads.
        var paths = JsonDocument.Parse(document).RootElement.GetProperty("paths");
        foreach (var (path, step) in new[] { ("/api/v1/candles", false), ("/api/v1/footprint", true), ("/api/v1/heatmap", true) })
        {
            var parameters = paths.GetProperty(path).GetProperty("get").GetProperty("parameters").EnumerateArray()
                .Select(p => (Name: p.GetProperty("name").GetString(), In: p.GetProperty("in").GetString(), Required: p.TryGetProperty("required", out var r) && r.GetBoolean()))
                .ToList();
            string[] expected = step ? ["instrument", "tf", "tz", "from", "to", "limit", "step"] : ["instrument", "tf", "tz", "from", "to", "limit"];
            Assert.Equal(expected, parameters.Select(p => p.Name));
            Assert.All(parameters, p => Assert.Equal("query", p.In));
            Assert.Equal(["instrument", "tf"], parameters.Where(p => p.Required).Select(p => p.Name));
            Assert.True(paths.GetProperty(path).GetProperty("get").GetProperty("responses").TryGetProperty("400", out _), path);
        }
    }
}
