using System.Net;
using System.Text.Json;

namespace Candles.EndToEnd.Tests;

/// <summary>A service whose footprint answers may carry at most 3 price levels.</summary>
public sealed class TinyResponses() : RunningService("--Candles:Gateway:MaxLevelsPerResponse=3");

/// <summary>Footprint and heatmap answers are bounded before they are serialized, with a problem that says how to ask instead.</summary>
public class ResponseBoundsTests(TinyResponses server) : IClassFixture<TinyResponses>
{
    private const string Instrument = "TEST:BOUNDS";

    [Theory]
    [InlineData("footprint")]
    [InlineData("heatmap")]
    public async Task AnAnswerOverTheLevelLimitIsA413AndAFittingOneIsServed(string endpoint)
    {
        await ServiceCalls.DefineAsync(server.Http, Instrument);
        var t0 = ServiceCalls.Ms("2026-03-02T10:00:00Z");
        await ServiceCalls.IngestAsync(server.Http, Instrument, [(1, t0, "100.00", "1.000", "buy"), (2, t0 + 1, "100.01", "1.000", "buy"), (3, t0 + 60_000, "100.02", "1.000", "sell"), (4, t0 + 60_001, "100.03", "1.000", "sell")], flush: true);

        using var tooMany = await server.Http.GetAsync($"api/v1/{endpoint}?instrument={Instrument}&tf=1m");
        var problem = JsonDocument.Parse(await tooMany.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooMany.StatusCode);
        Assert.Equal("too_many_levels", problem.GetProperty("code").GetString());
        Assert.Contains("4 price levels, more than 3", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var coarser = await server.Http.GetAsync($"api/v1/{endpoint}?instrument={Instrument}&tf=1m&step=0.10");
        Assert.Equal(HttpStatusCode.OK, coarser.StatusCode);
        using var fewer = await server.Http.GetAsync($"api/v1/{endpoint}?instrument={Instrument}&tf=1m&limit=1");
        Assert.Equal(HttpStatusCode.OK, fewer.StatusCode);
    }
}
