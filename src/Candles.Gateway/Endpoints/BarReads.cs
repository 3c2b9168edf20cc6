using System.Text.Json;
using Candles.Abstractions.Wire;
using Candles.Gateway.Options;
using Candles.Gateway.Requests;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Candles.Gateway.Endpoints;

/// <summary>
/// A REST bars read: parses the query (a problem if it is bad), fetches the bars, refuses a footprint answer over
/// <see cref="GatewayOptions.MaxLevelsPerResponse"/> levels, and serializes it once for every identical request in
/// flight (<see cref="SharedReads"/>).
/// </summary>
public sealed class BarReads(IGrainFactory grains, InstrumentDirectory instruments, SharedReads shared, IOptions<GatewayOptions> options, IOptions<JsonOptions> json)
{
    public async Task<IResult> ServeAsync<T>(HttpRequest http, string endpoint, bool step, Func<BarRequest, BarsPage, T> shape)
    {
        var q = http.Query;
        var text = new BarRequestText(q["instrument"], q["tf"], q["tz"], Optional(q, "from"), Optional(q, "to"), Optional(q, "limit"), Optional(q, "step"));
        var (request, error) = await BarRequest.ParseAsync(text, instruments, options.Value, step);
        if (request is null)
        {
            return Problems.From(error!);
        }

        var read = await shared.ReadAsync($"{endpoint}|{request.TimeframeKey}|{request.Query}", async () =>
        {
            var page = await request.FetchAsync(grains);
            if (step && ResponseLimits.TooManyLevels(page.Bars, options.Value.MaxLevelsPerResponse) is { } tooMany)
            {
                return new SharedReads.SharedRead(null, tooMany);
            }

            return new SharedReads.SharedRead(JsonSerializer.SerializeToUtf8Bytes(shape(request, page), json.Value.SerializerOptions), null);
        });
        return read.Json is { } body ? Results.Bytes(body, "application/json") : Problems.From(read.Error!);
    }

    private static string? Optional(IQueryCollection query, string name) => query.TryGetValue(name, out var value) ? value.ToString() : null;
}
