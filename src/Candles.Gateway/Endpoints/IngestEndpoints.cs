using System.Net.Http.Json;
using Candles.Core.Instruments;
using Candles.Core.Ticks;
using Candles.Gateway.Json;
using Candles.Gateway.Options;
using Candles.Gateway.Requests;
using Candles.Ingest.Replay;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Candles.Gateway.Endpoints;

/// <summary>
/// <c>POST /api/v1/ingest</c>: a batch of ticks for one instrument, idempotent by trade id, as JSON
/// (<see cref="IngestJson"/>) or as <c>text/csv</c> in Binance's trades layout with <c>instrument</c>,
/// <c>live</c> and <c>flush</c> in the query. A bad tick refuses the whole batch, so nothing is half-applied.
/// </summary>
internal static class IngestEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/ingest", async (HttpRequest http, IGrainFactory grains, IOptions<GatewayOptions> options, CancellationToken cancellation) =>
        {
            if (ApiKey.Check(http, options.Value) is { } denied)
            {
                return denied;
            }

            var csv = http.ContentType?.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase) == true;
            var body = csv ? null : await ReadJsonAsync(http, cancellation);
            var instrumentId = csv ? http.Query["instrument"].ToString() : body?.Instrument;
            if (!csv && body is null)
            {
                return Problems.BadRequest("bad_body", "the body is not an ingest batch: {\"instrument\":..,\"ticks\":[..]} as JSON, or text/csv");
            }

            var (symbol, instrument, unknown) = await TickIngestion.ResolveAsync(grains, instrumentId);
            if (symbol is null)
            {
                return Problems.From(unknown!);
            }

            var max = options.Value.MaxIngestTicks;
            var (ticks, problem) = csv ? await ReadCsvAsync(http, instrument!, max, cancellation) : Convert(body!, instrument!, max);
            if (problem is not null)
            {
                return problem;
            }

            var live = csv ? http.Query["live"] == "true" : body!.Live;
            var flush = csv ? http.Query["flush"] == "true" : body!.Flush;
            var report = await TickIngestion.ApplyAsync(symbol, ticks!, live, flush);
            return Results.Ok(IngestReportJson.From(report));
        })
        .Accepts<IngestJson>("application/json", "text/csv")
        .Produces<IngestReportJson>()
        .WithName("Ingest")
        .WithSummary("A batch of ticks for one instrument; idempotent by trade id (ingest key required)");
    }

    private static async Task<IngestJson?> ReadJsonAsync(HttpRequest http, CancellationToken cancellation)
    {
        try
        {
            return await http.ReadFromJsonAsync<IngestJson>(cancellation);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static (Tick[]? Ticks, IResult? Problem) Convert(IngestJson body, Instrument instrument, int max)
    {
        var (ticks, error) = TickIngestion.Convert(body.Ticks ?? [], instrument, max);
        return (ticks, error is null ? null : Problems.From(error));
    }

    private static async Task<(Tick[]? Ticks, IResult? Problem)> ReadCsvAsync(HttpRequest http, Instrument instrument, int max, CancellationToken cancellation)
    {
        // The reader is synchronous; the body is buffered first (Kestrel's body size limit bounds it).
        using var buffer = new MemoryStream();
        await http.Body.CopyToAsync(buffer, cancellation);
        buffer.Position = 0;
        using var reader = new BinanceTradeCsvReader(buffer, instrument);
        var ticks = new List<Tick>();
        while (reader.TryRead(out var tick))
        {
            if (ticks.Count == max)
            {
                return (null, TooLarge(max + 1, max));
            }

            ticks.Add(tick);
        }

        return reader.Error is { } error ? (null, Problems.BadRequest("bad_tick", $"csv {error}")) : ([.. ticks], null);
    }

    private static IResult TooLarge(int count, int max) => Problems.From(TickIngestion.TooLarge(count, max));
}
