using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.OpenApi;

namespace Candles.Gateway.Endpoints;

/// <summary>
/// The query parameters of the bar reads, in the OpenAPI document: the handlers read the query themselves (so every
/// transport parses a request alike), and the document would otherwise show no parameter a client could send.
/// </summary>
internal static class BarParameters
{
    private static readonly (string Name, bool Required, JsonSchemaType Type, string Description)[] Candles =
    [
        ("instrument", true, JsonSchemaType.String, "VENUE:SYMBOL in upper case, e.g. BINANCE:BTCUSDT"),
        ("tf", true, JsonSchemaType.String, "timeframe: Nm, Nh, 1d, 1w or 1M (e.g. 1m, 15m, 4h)"),
        ("tz", false, JsonSchemaType.String, "IANA time zone of 1d, 1w and 1M bars (default UTC); intraday bars are UTC"),
        ("from", false, JsonSchemaType.String, "bars opening at or after: Unix milliseconds or ISO 8601 with an offset or Z"),
        ("to", false, JsonSchemaType.String, "bars opening before (exclusive): Unix milliseconds or ISO 8601 with an offset or Z"),
        ("limit", false, JsonSchemaType.Integer, "most bars (default 500, at most 5000): the newest, or the first from 'from'"),
    ];

    private static readonly (string Name, bool Required, JsonSchemaType Type, string Description) Step =
        ("step", false, JsonSchemaType.String, "price step of the levels, a whole multiple of the tick size (default the tick size)");

    /// <summary>Lists the bar parameters (with <c>step</c> for footprints and heatmaps) and the refusals a read can get.</summary>
    public static RouteHandlerBuilder WithBarParameters(this RouteHandlerBuilder builder, bool step) =>
        builder
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.Parameters ??= [];
                foreach (var (name, required, type, description) in step ? [.. Candles, Step] : Candles)
                {
                    operation.Parameters.Add(new OpenApiParameter
                    {
                        Name = name,
                        In = ParameterLocation.Query,
                        Required = required,
                        Description = description,
                        Schema = new OpenApiSchema { Type = type },
                    });
                }

                return Task.CompletedTask;
            });
}
