using Candles.Gateway.Live;
using Candles.Grains.Diagnostics;
using HealthChecks.UI.Client;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;

namespace Candles.Host.Operations;

/// <summary>
/// What an operator (and Kubernetes) reads: <c>/healthz</c> (the process answers), <c>/readyz</c> (the silo is an
/// active cluster member and the Redis and PostgreSQL it is configured with answer, each check's status in a JSON body;
/// the gRPC health service reports the same), and <c>/metrics</c> in Prometheus text: the grains' and live gateway's instruments, ASP.NET Core's
/// request durations, the .NET runtime's and Orleans' own.
/// </summary>
public static class OperationsExtensions
{
    public const string ReadyTag = "ready";

    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Health checks (a silo: active; a gateway-only process: the cluster answers; Redis and PostgreSQL where configured) and metrics.</summary>
    public static IServiceCollection AddCandlesOperations(this IServiceCollection services, bool silo, string? redis, string? postgres)
    {
        var checks = silo
            ? services.AddHealthChecks().AddCheck<SiloActiveHealthCheck>("silo", tags: [ReadyTag])
            : services.AddHealthChecks().AddCheck<ClusterAnswersHealthCheck>("cluster", tags: [ReadyTag], timeout: CheckTimeout);
        if (!string.IsNullOrWhiteSpace(redis))
        {
            checks.AddRedis(redis, "redis", tags: [ReadyTag], timeout: CheckTimeout);
        }

        if (!string.IsNullOrWhiteSpace(postgres))
        {
            checks.AddNpgSql(postgres, name: "postgres", tags: [ReadyTag], timeout: CheckTimeout);
        }

        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(GrainMetrics.MeterName, LiveMetrics.MeterName, "Microsoft.Orleans")
            .AddAspNetCoreInstrumentation()
            .AddRuntimeInstrumentation()
            .AddPrometheusExporter());
        return services;
    }

    public static WebApplication MapCandlesOperations(this WebApplication app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        // Each check's status and error in the body, so an operator sees which dependency is missing.
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag), ResponseWriter = UIResponseWriter.WriteHealthCheckUIResponse });
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }
}
