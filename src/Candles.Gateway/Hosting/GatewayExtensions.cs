using Candles.Gateway.Endpoints;
using Candles.Gateway.Options;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Candles.Gateway.Hosting;

public static class GatewayExtensions
{
    /// <summary>Gateway services: options (<c>Candles:Gateway</c>, ingest key <c>Candles:Ingest:ApiKey</c>), problem details, OpenAPI.</summary>
    public static IServiceCollection AddCandlesGateway(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GatewayOptions>()
            .Bind(configuration.GetSection(GatewayOptions.Section))
            .PostConfigure(o => o.IngestApiKey ??= configuration["Candles:Ingest:ApiKey"])
            .Validate(o => o.DefaultLimit >= 1 && o.DefaultLimit <= o.MaxLimit, $"{GatewayOptions.Section}:DefaultLimit must be between 1 and MaxLimit")
            .ValidateOnStart();
        services.AddProblemDetails();
        services.AddOpenApi("v1");
        return services;
    }

    /// <summary>Maps REST v1 under <c>/api/v1</c> and the OpenAPI document at <c>/openapi/v1.json</c>.</summary>
    public static IEndpointRouteBuilder MapCandlesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1");
        InstrumentEndpoints.Map(api);
        BarEndpoints.Map(api);
        IngestEndpoints.Map(api);
        app.MapOpenApi();
        return app;
    }
}
