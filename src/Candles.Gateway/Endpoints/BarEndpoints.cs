using Candles.Core.Composition;
using Candles.Gateway.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Candles.Gateway.Endpoints;

/// <summary>GET candles, footprint and heatmap: bars with from &lt;= t &lt; to, ascending, the live bar last.</summary>
internal static class BarEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/candles", (HttpRequest http, BarReads reads) =>
            reads.ServeAsync(http, "candles", step: false, (request, page) => new CandlesResponse(
                request.Instrument.Id.Value, request.Timeframe.Name, request.Zone, [.. page.Bars.Select(b => CandleJson.From(b, page, request.Instrument))])))
            .Produces<CandlesResponse>()
            .WithBarParameters(step: false)
            .WithName("GetCandles").WithSummary("Candles of any timeframe, composed from 1m bars");

        api.MapGet("/footprint", (HttpRequest http, BarReads reads) =>
            reads.ServeAsync(http, "footprint", step: true, (request, page) => new FootprintResponse(
                request.Instrument.Id.Value, request.Timeframe.Name, request.Zone, request.StepText,
                [.. page.Bars.Select(b => FootprintJson.From(b, page, request.Instrument))])))
            .Produces<FootprintResponse>()
            .WithBarParameters(step: true)
            .WithName("GetFootprint").WithSummary("Footprints (volume per price level), delta, POC and value area");

        api.MapGet("/heatmap", (HttpRequest http, BarReads reads) =>
            reads.ServeAsync(http, "heatmap", step: true, (request, page) =>
                HeatmapResponse.From(Heatmap.From(page.Bars), request.Instrument, request.Timeframe.Name, request.Zone, request.StepText)))
            .Produces<HeatmapResponse>()
            .WithBarParameters(step: true)
            .WithName("GetHeatmap").WithSummary("Buy and sell volume by bar and price level");
    }
}
