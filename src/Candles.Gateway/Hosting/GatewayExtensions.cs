using Candles.Abstractions.Grains;
using Candles.Gateway.Endpoints;
using Candles.Gateway.Grpc;
using Candles.Gateway.Live;
using Candles.Gateway.Options;
using Candles.Gateway.Requests;
using Candles.Gateway.Udf;
using Candles.Gateway.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Grpc.AspNetCore.Server;

namespace Candles.Gateway.Hosting;

public static class GatewayExtensions
{
    /// <summary>The most room a sensible ingest tick takes in a gRPC message (id, time, a price and quantity of dozens of digits, side).</summary>
    private const int MaxTickMessageBytes = 160;

    /// <summary>
    /// Gateway services: options (<c>Candles:Gateway</c>, ingest key <c>Candles:Ingest:ApiKey</c>), problem details,
    /// OpenAPI, the live feeds shared by WebSocket and gRPC subscribers, gRPC with reflection and health.
    /// </summary>
    public static IServiceCollection AddCandlesGateway(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GatewayOptions>()
            .Bind(configuration.GetSection(GatewayOptions.Section))
            .PostConfigure(o =>
            {
                o.IngestApiKey ??= configuration["Candles:Ingest:ApiKey"];
                o.MaxFutureSkew = configuration.GetValue<TimeSpan?>("Candles:Ingest:MaxFutureSkew") ?? o.MaxFutureSkew;
            })
            .Validate(o => o.DefaultLimit >= 1 && o.DefaultLimit <= o.MaxLimit, $"{GatewayOptions.Section}:DefaultLimit must be between 1 and MaxLimit")
            .Validate(o => o.MaxFutureSkew >= TimeSpan.Zero, "Candles:Ingest:MaxFutureSkew must not be negative")
            .Validate(o => o.MaxIngestTicks is >= 1 and <= 1_000_000, $"{GatewayOptions.Section}:MaxIngestTicks must be between 1 and 1000000 (a gRPC ingest message may hold that many ticks)")
            .Validate(o => o.MaxLevelsPerResponse >= 1, $"{GatewayOptions.Section}:MaxLevelsPerResponse must be at least 1")
            .Validate(o => o.GrpcPort is >= 1 and <= 65535, $"{GatewayOptions.Section}:GrpcPort must be a port number")
            .Validate(o => o.MaxUpdatesPerSecond >= 0, $"{GatewayOptions.Section}:MaxUpdatesPerSecond must be 0 (every change) or more")
            .Validate(o => o.ClientQueueLimit >= 1, $"{GatewayOptions.Section}:ClientQueueLimit must be at least 1")
            .Validate(o => o.ClientMaxLag > TimeSpan.Zero, $"{GatewayOptions.Section}:ClientMaxLag must be positive")
            .Validate(o => o.SlowClientGrace > TimeSpan.Zero, $"{GatewayOptions.Section}:SlowClientGrace must be positive")
            .Validate(o => o.MaxSubscriptionsPerConnection >= 1, $"{GatewayOptions.Section}:MaxSubscriptionsPerConnection must be at least 1")
            .Validate(o => o.MaxClientMessageBytes >= 256, $"{GatewayOptions.Section}:MaxClientMessageBytes must be at least 256")
            .Validate(o => o.FeedCheckPeriod > TimeSpan.Zero && o.FeedCheckPeriod <= ITimeframeGrain.ObserverLease / 4, $"{GatewayOptions.Section}:FeedCheckPeriod must be positive and at most a quarter of the timeframe grains' observer lease ({ITimeframeGrain.ObserverLease.TotalSeconds:0} s), which each check renews")
            .ValidateOnStart();
        // Every problem carries a machine code, also those the framework writes (404 route, 405, 415).
        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
        {
            var status = context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode;
            context.ProblemDetails.Extensions.TryAdd("code", ProblemCodes.ForStatus(status));
            context.ProblemDetails.Detail ??= ProblemCodes.Describe(status, context.HttpContext.Request);
        });
        services.AddExceptionHandler<GatewayExceptionHandler>();
        services.AddOpenApi("v1");
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<InstrumentDirectory>();
        services.AddSingleton<SharedReads>();
        services.AddSingleton<Endpoints.BarReads>();
        services.AddSingleton<LiveFeedHub>();
        services.AddGrpc(grpc => grpc.Interceptors.Add<UnavailabilityInterceptor>());

        // An ingest batch of the most ticks allowed must fit one message (the default 4 MB holds ~90 k ticks), so it is
        // refused for its count, with its code and how many batches were taken, rather than by the framework for its size.
        services.AddOptions<GrpcServiceOptions>().Configure<IOptions<GatewayOptions>>((grpc, gateway) =>
            grpc.MaxReceiveMessageSize = (int)Math.Min(int.MaxValue, (4L << 20) + ((long)gateway.Value.MaxIngestTicks * MaxTickMessageBytes)));
        services.AddGrpcReflection();
        services.AddGrpcHealthChecks().AddCheck("gateway", () => Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy());
        return services;
    }

    /// <summary>
    /// Maps REST v1 under <c>/api/v1</c>, the OpenAPI document at <c>/openapi/v1.json</c>, the live protocol at
    /// <c>/ws</c>, TradingView UDF under <c>/udf</c>, and gRPC (with reflection and health) on <paramref name="grpcPort"/> only.
    /// </summary>
    public static WebApplication MapCandlesApi(this WebApplication app, int grpcPort)
    {
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(20) });
        var api = app.MapGroup("/api/v1");
        InstrumentEndpoints.Map(api);
        BarEndpoints.Map(api);
        IngestEndpoints.Map(api);
        WebSocketEndpoint.Map(app);
        UdfEndpoints.Map(app);
        app.MapOpenApi();

        // gRPC on its own port only, and nothing else there: told apart by the port the connection came in on, not by the
        // host the client named, which a port-forward or an ingress changes.
        app.Use((context, next) =>
        {
            var grpcCall = context.GetEndpoint()?.Metadata.GetMetadata<global::Grpc.AspNetCore.Server.GrpcMethodMetadata>() is not null;
            if (grpcCall != (context.Connection.LocalPort == grpcPort))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return next(context);
        });
        app.MapGrpcService<CandleGrpcService>();
        app.MapGrpcReflectionService();
        app.MapGrpcHealthChecksService();
        return app;
    }
}
