using Candles.Abstractions.Grains;
using Candles.Gateway.Json;
using Candles.Gateway.Options;
using Candles.Gateway.Requests;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Candles.Gateway.Endpoints;

internal static class IngestEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/ingest", async (IngestJson body, HttpRequest http, IGrainFactory grains, IOptions<GatewayOptions> options) =>
        {
            if (ApiKey.Check(http, options.Value) is { } denied)
            {
                return denied;
            }

            var ticks = body.Ticks ?? [];
            if (ticks.Count > options.Value.MaxIngestTicks)
            {
                return Problems.Problem(StatusCodes.Status413PayloadTooLarge, "batch_too_large", $"{ticks.Count} ticks in one batch; at most {options.Value.MaxIngestTicks}");
            }

            var symbol = grains.GetGrain<ISymbolGrain>(body.Instrument ?? string.Empty);
            var status = body.Instrument is null ? null : await symbol.GetStatus();
            if (status?.Spec is null)
            {
                return Problems.UnknownInstrument(body.Instrument ?? string.Empty);
            }

            if (!TickParsing.TryConvert(ticks, status.Spec.ToInstrument(), out var converted, out var error))
            {
                return Problems.BadRequest("bad_tick", error!);
            }

            var report = await symbol.Ingest(converted, body.Live);
            if (body.Flush)
            {
                await symbol.Flush();
            }

            return Results.Ok(IngestReportJson.From(report));
        }).WithName("Ingest").WithSummary("A batch of ticks for one instrument; idempotent by trade id (ingest key required)");
    }
}
