using Candles.Core.Composition;
using Candles.Gateway.Json;
using Candles.Gateway.Options;
using Candles.Gateway.Requests;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Candles.Gateway.Endpoints;

/// <summary>GET candles, footprint and heatmap: bars with from &lt;= t &lt; to, ascending, the live bar last.</summary>
internal static class BarEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/candles", async (HttpRequest http, IGrainFactory grains, IOptions<GatewayOptions> options) =>
        {
            var (request, problem) = await BarRequest.ParseAsync(http, grains, options.Value, step: false);
            if (request is null)
            {
                return problem!;
            }

            var page = await request.FetchAsync(grains);
            return Results.Ok(new CandlesResponse(
                request.Instrument.Id.Value, request.Timeframe.Name, request.Zone, [.. page.Bars.Select(b => CandleJson.From(b, page, request.Instrument))]));
        }).WithName("GetCandles").WithSummary("Candles of any timeframe, composed from 1m bars");

        api.MapGet("/footprint", async (HttpRequest http, IGrainFactory grains, IOptions<GatewayOptions> options) =>
        {
            var (request, problem) = await BarRequest.ParseAsync(http, grains, options.Value, step: true);
            if (request is null)
            {
                return problem!;
            }

            var page = await request.FetchAsync(grains);
            return Results.Ok(new FootprintResponse(
                request.Instrument.Id.Value, request.Timeframe.Name, request.Zone, request.Instrument.FormatPrice(request.Query.FootprintStepTicks!.Value),
                [.. page.Bars.Select(b => FootprintJson.From(b, page, request.Instrument))]));
        }).WithName("GetFootprint").WithSummary("Footprints (volume per price level), delta, POC and value area");

        api.MapGet("/heatmap", async (HttpRequest http, IGrainFactory grains, IOptions<GatewayOptions> options) =>
        {
            var (request, problem) = await BarRequest.ParseAsync(http, grains, options.Value, step: true);
            if (request is null)
            {
                return problem!;
            }

            var page = await request.FetchAsync(grains);
            return Results.Ok(HeatmapResponse.From(
                Heatmap.From(page.Bars), request.Instrument, request.Timeframe.Name, request.Zone, request.Instrument.FormatPrice(request.Query.FootprintStepTicks!.Value)));
        }).WithName("GetHeatmap").WithSummary("Buy and sell volume by bar and price level");
    }
}
