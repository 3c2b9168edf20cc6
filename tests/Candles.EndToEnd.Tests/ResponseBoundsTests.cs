using System.Net;
using Candles.Gateway.Grpc.V1;
using Grpc.Core;
using Grpc.Net.Client;
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

    [Fact]
    public async Task OverGrpcTheLevelLimitIsResourceExhausted()
    {
        await ServiceCalls.DefineAsync(server.Http, "TEST:BOUNDSGRPC");
        var t0 = ServiceCalls.Ms("2026-03-03T10:00:00Z");
        await ServiceCalls.IngestAsync(server.Http, "TEST:BOUNDSGRPC", [(1, t0, "100.00", "1.000", "buy"), (2, t0 + 1, "100.01", "1.000", "buy"), (3, t0 + 2, "100.02", "1.000", "buy"), (4, t0 + 3, "100.03", "1.000", "buy")], flush: true);
        using var channel = GrpcChannel.ForAddress(server.GrpcAddress);
        var client = new CandleService.CandleServiceClient(channel);
        var footprint = await Assert.ThrowsAsync<RpcException>(async () => await client.GetFootprintAsync(new FootprintRequest { Instrument = "TEST:BOUNDSGRPC", Tf = "1m" }));
        Assert.Equal((StatusCode.ResourceExhausted, "too_many_levels"), (footprint.StatusCode, footprint.Trailers.GetValue("code")));
        var heatmap = await Assert.ThrowsAsync<RpcException>(async () => await client.GetHeatmapAsync(new HeatmapRequest { Instrument = "TEST:BOUNDSGRPC", Tf = "1m" }));
        Assert.Equal(StatusCode.ResourceExhausted, heatmap.StatusCode);
        Assert.Single((await client.GetFootprintAsync(new FootprintRequest { Instrument = "TEST:BOUNDSGRPC", Tf = "1m", Step = "1.00" })).Bars);
    }
}
