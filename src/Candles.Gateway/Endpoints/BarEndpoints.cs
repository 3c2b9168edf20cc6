using Candles.Abstractions.Wire;
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
        api.MapGet("/candles", (HttpRequest http, IGrainFactory grains, IOptions<GatewayOptions> options) =>
            Serve(http, grains, options.Value, step: false, (request, page) => new CandlesResponse(
                request.Instrument.Id.Value, request.Timeframe.Name, request.Zone, [.. page.Bars.Select(b => CandleJson.From(b, page, request.Instrument))])))
            .WithName("GetCandles").WithSummary("Candles of any timeframe, composed from 1m bars");

        api.MapGet("/footprint", (HttpRequest http, IGrainFactory grains, IOptions<GatewayOptions> options) =>
            Serve(http, grains, options.Value, step: true, (request, page) => new FootprintResponse(
                request.Instrument.Id.Value, request.Timeframe.Name, request.Zone, StepText(request),
                [.. page.Bars.Select(b => FootprintJson.From(b, page, request.Instrument))])))
            .WithName("GetFootprint").WithSummary("Footprints (volume per price level), delta, POC and value area");

        api.MapGet("/heatmap", (HttpRequest http, IGrainFactory grains, IOptions<GatewayOptions> options) =>
            Serve(http, grains, options.Value, step: true, (request, page) =>
                HeatmapResponse.From(Heatmap.From(page.Bars), request.Instrument, request.Timeframe.Name, request.Zone, StepText(request))))
            .WithName("GetHeatmap").WithSummary("Buy and sell volume by bar and price level");
    }

    /// <summary>Parses the query (answering a problem if it is bad), fetches the bars and shapes them.</summary>
    private static async Task<IResult> Serve<T>(HttpRequest http, IGrainFactory grains, GatewayOptions options, bool step, Func<BarRequest, BarsPage, T> shape)
    {
        var (request, problem) = await BarRequest.ParseAsync(http, grains, options, step);
        return request is null ? problem! : Results.Ok(shape(request, await request.FetchAsync(grains)));
    }

    private static string StepText(BarRequest request) => request.Instrument.FormatPrice(request.Query.FootprintStepTicks!.Value);
}
