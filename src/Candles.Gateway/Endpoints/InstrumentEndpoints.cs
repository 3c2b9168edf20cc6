using Candles.Abstractions.Grains;
using Candles.Abstractions.Wire;
using Candles.Core.Instruments;
using Candles.Gateway.Json;
using Candles.Gateway.Options;
using Candles.Gateway.Requests;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Candles.Gateway.Endpoints;

internal static class InstrumentEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/instruments", async (IGrainFactory grains) =>
        {
            var listed = await DefinedInstruments.ListAsync(grains);
            return Results.Ok(listed.Select(l => new InstrumentJson(l.Spec.Id, l.Spec.TickSize, l.Spec.QuantityStep, l.FirstBarMs, l.LastBarMs)));
        }).Produces<InstrumentJson[]>().WithName("GetInstruments").WithSummary("Defined instruments with tick size, quantity step, first and last bar");

        api.MapPut("/instruments/{id}", async (string id, InstrumentDefinitionJson body, HttpRequest http, IGrainFactory grains, InstrumentDirectory instruments, IOptions<GatewayOptions> options) =>
        {
            if (ApiKey.Check(http, options.Value) is { } denied)
            {
                return denied;
            }

            if (!InstrumentId.TryParse(id, out _, out var idError))
            {
                return Problems.BadRequest("bad_instrument", idError);
            }

            if (!Increment.TryParse(body.TickSize, out var tick, out var tickError))
            {
                return Problems.BadRequest("bad_tick_size", $"tickSize: {tickError}");
            }

            if (!Increment.TryParse(body.QtyStep, out var step, out var stepError))
            {
                return Problems.BadRequest("bad_qty_step", $"qtyStep: {stepError}");
            }

            var spec = new InstrumentSpec(id, tick.ToString(), step.ToString());
            var outcome = await grains.GetGrain<ISymbolGrain>(id).Define(spec);
            if (outcome != DefineOutcome.Conflict)
            {
                instruments.Remember(spec);
            }

            // The shape it was defined with, as the listing names its fields.
            var defined = new DefinedInstrumentJson(id, spec.TickSize, spec.QuantityStep);
            return outcome switch
            {
                DefineOutcome.Created => Results.Created($"/api/v1/instruments/{id}", defined),
                DefineOutcome.Unchanged => Results.Ok(defined),
                _ => Problems.Problem(StatusCodes.Status409Conflict, "instrument_conflict", $"instrument '{id}' is already defined with other grids; a redefinition would corrupt its bars"),
            };
        }).Produces<DefinedInstrumentJson>(StatusCodes.Status201Created).Produces<DefinedInstrumentJson>()
            .WithName("PutInstrument").WithSummary("Defines an instrument's tick size and quantity step (ingest key required)");
    }
}
