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
        api.MapGet("/candles", (HttpRequest http, IGrainFactory grains, InstrumentDirectory instruments, IOptions<GatewayOptions> options) =>
            Serve(http, grains, instruments, options.Value, step: false, (request, page) => new CandlesResponse(
                request.Instrument.Id.Value, request.Timeframe.Name, request.Zone, [.. page.Bars.Select(b => CandleJson.From(b, page, request.Instrument))])))
            .WithName("GetCandles").WithSummary("Candles of any timeframe, composed from 1m bars");

        api.MapGet("/footprint", (HttpRequest http, IGrainFactory grains, InstrumentDirectory instruments, IOptions<GatewayOptions> options) =>
            Serve(http, grains, instruments, options.Value, step: true, (request, page) => new FootprintResponse(
                request.Instrument.Id.Value, request.Timeframe.Name, request.Zone, StepText(request),
                [.. page.Bars.Select(b => FootprintJson.From(b, page, request.Instrument))])))
            .WithName("GetFootprint").WithSummary("Footprints (volume per price level), delta, POC and value area");

        api.MapGet("/heatmap", (HttpRequest http, IGrainFactory grains, InstrumentDirectory instruments, IOptions<GatewayOptions> options) =>
            Serve(http, grains, instruments, options.Value, step: true, (request, page) =>
                HeatmapResponse.From(Heatmap.From(page.Bars), request.Instrument, request.Timeframe.Name, request.Zone, StepText(request))))
            .WithName("GetHeatmap").WithSummary("Buy and sell volume by bar and price level");
    }

    /// <summary>Parses the query (answering a problem if it is bad), fetches the bars and shapes them.</summary>
    private static async Task<IResult> Serve<T>(
        HttpRequest http, IGrainFactory grains, InstrumentDirectory instruments, GatewayOptions options, bool step, Func<BarRequest, BarsPage, T> shape)
    {
        var q = http.Query;
        var text = new BarRequestText(q["instrument"], q["tf"], q["tz"], Optional(q, "from"), Optional(q, "to"), Optional(q, "limit"), Optional(q, "step"));
        var (request, error) = await BarRequest.ParseAsync(text, instruments, options, step);
        return request is null ? Problems.From(error!) : Results.Ok(shape(request, await request.FetchAsync(grains)));
    }

    private static string? Optional(IQueryCollection query, string name) => query.TryGetValue(name, out var value) ? value.ToString() : null;

    private static string StepText(BarRequest request) => request.StepText;
}
