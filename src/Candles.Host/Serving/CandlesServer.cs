using System.Net;
using Candles.Abstractions.Streams;
using Candles.Gateway.Hosting;
using Candles.Grains.Feeds.Hosting;
using Candles.Grains.Hosting;
using Candles.Host.Feeds;
using Candles.Host.Operations;
using Candles.Storage.Redis.Hosting;
using Candles.Storage.Sealed.Hosting;
using Orleans.Dashboard;
using StackExchange.Redis;

namespace Candles.Host.Serving;

/// <summary>
/// The composition root of <c>serve</c>. With nothing configured it runs embedded: a localhost silo, in-memory
/// storage, the gateway on http://localhost:5080 (standard <c>--urls</c> overrides it) with gRPC on port 5081
/// (<c>Candles:Gateway:GrpcPort</c>), and the simulated feed. Exchange feeds run where <c>Candles:Feeds</c> names
/// instruments (<c>--feed binance --instruments BTCUSDT</c>).
/// With <c>Candles__Redis</c> set it is a cluster member: Redis clustering, grain storage, reminders, the
/// streams' pub-sub store and 1m history;
/// with <c>Candles__Postgres</c> set, sealed bars go to PostgreSQL, whose schema is migrated at start.
/// </summary>
public static class CandlesServer
{
    public const string DefaultUrl = "http://localhost:5080";

    /// <summary>The Orleans dashboard at <c>/dashboard</c>: off unless this is true (on every silo, and on a gateway that shows it).</summary>
    public const string DashboardSetting = "Candles:Dashboard:Enabled";

    /// <param name="args">The command line: settings as <c>--Section:Key=value</c>.</param>
    /// <param name="services">More services, registered last (a test's fault injection).</param>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        var silo = builder.Configuration.GetSection(SiloOptions.Section).Get<SiloOptions>() ?? new SiloOptions();
        var redis = builder.Configuration["Candles:Redis"];
        var clustered = !string.IsNullOrWhiteSpace(redis);
        var role = ServiceRoles.Parse(builder.Configuration[ServiceRoles.Setting], clustered);
        var grpcPort = GatewayEndpoints.Configure(builder, DefaultUrl, grpc: role.RunsGateway());
        var dashboard = builder.Configuration.GetValue<bool>(DashboardSetting);
        if (role == ServiceRole.Gateway)
        {
            builder.UseOrleansClient(client =>
            {
                client.Configure<Orleans.Configuration.ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (silo.ClusterId, silo.ClusterId))
                    .UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis!));
                if (dashboard)
                {
                    client.AddDashboard();
                }
            });
            return Finish(builder, role, grpcPort, redis, postgres: null, dashboard, services);
        }

        // Registered before the silo, so the schema is migrated before any grain can seal a bar.
        var postgres = builder.Configuration["Candles:Postgres"];
        if (!string.IsNullOrWhiteSpace(postgres))
        {
            builder.Services.AddPostgresSealedBarStore(postgres);
        }
        else
        {
            builder.Services.AddInMemorySealedBarStore();
            if (clustered)
            {
                builder.Services.AddHostedService<Operations.InMemorySealedBarsWarning>();
            }
        }

        builder.UseOrleans(orleans =>
        {
            if (clustered)
            {
                orleans.Configure<Orleans.Configuration.ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (silo.ClusterId, silo.ClusterId));
                if (silo.Kubernetes)
                {
                    // The pod's IP is advertised and every address listened on; the ids come from the pod (after ours, so they win).
                    // The address is set here: Orleans' own default (the first address it resolves) runs before the package's.
                    var podIp = Environment.GetEnvironmentVariable(Orleans.Hosting.Kubernetes.KubernetesHostingOptions.PodIPEnvironmentVariable);
                    orleans.Configure<Orleans.Configuration.EndpointOptions>(o =>
                    {
                        (o.SiloPort, o.GatewayPort) = (silo.SiloPort, silo.GatewayPort);
                        o.AdvertisedIPAddress = IPAddress.TryParse(podIp, out var address) ? address : o.AdvertisedIPAddress;
                    });
                    orleans.UseKubernetesHosting();
                }
                else
                {
                    orleans.ConfigureEndpoints(IPAddress.Parse(silo.AdvertisedAddress), silo.SiloPort, silo.GatewayPort, listenOnAnyHostAddress: true);
                }

                orleans.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis!));
                orleans.AddRedisGrainStorage(CandlesSiloBuilderExtensions.StorageName, o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis!));
                orleans.AddRedisGrainStorage(CandleStreams.PubSubStore, o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis!));
                orleans.UseRedisReminderService(o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis!));
                orleans.Services.AddRedisMinuteBarStore(o => o.ConnectionString = redis!);
            }
            else
            {
                orleans.UseLocalhostClustering(silo.SiloPort, silo.GatewayPort);
                orleans.AddMemoryGrainStorage(CandlesSiloBuilderExtensions.StorageName);
                orleans.AddMemoryGrainStorage(CandleStreams.PubSubStore);
                orleans.UseInMemoryReminderService();
            }

            // Idle grains go after IdleDeactivation; the collector looks at least four times within that age.
            var idle = silo.IdleDeactivation < TimeSpan.FromSeconds(10) ? TimeSpan.FromSeconds(10) : silo.IdleDeactivation;
            orleans.Configure<Orleans.Configuration.GrainCollectionOptions>(o =>
                (o.CollectionAge, o.CollectionQuantum) = (idle, idle / 4 < o.CollectionQuantum ? idle / 4 : o.CollectionQuantum));
            orleans.AddCandleGrains(builder.Configuration);
            orleans.AddCandleFeeds(builder.Configuration);
            if (dashboard)
            {
                orleans.AddDashboard();
            }
        });
        builder.Services.Configure<SiloOptions>(builder.Configuration.GetSection(SiloOptions.Section));
        builder.Services.AddHostedService<MemoryReleaseService>();
        if (silo.Simulator ?? !clustered)
        {
            builder.Services.AddHostedService<SimulatedFeed>();
        }

        return Finish(builder, role, grpcPort, redis, postgres, dashboard, services);
    }

    /// <summary>The gateway's endpoints where this role serves them; health and metrics in every role.</summary>
    private static WebApplication Finish(WebApplicationBuilder builder, ServiceRole role, int grpcPort, string? redis, string? postgres, bool dashboard, Action<IServiceCollection>? services)
    {
        if (role.RunsGateway())
        {
            builder.Services.AddCandlesGateway(builder.Configuration);
        }
        else
        {
            // The exception handler writes problem details; the gateway registers them with its codes.
            builder.Services.AddProblemDetails();
        }

        builder.Services.AddCandlesOperations(role.RunsSilo(), redis, postgres);
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        if (role.RunsGateway())
        {
            app.MapChartPage();
            app.MapCandlesApi(grpcPort);
        }

        if (role.RunsSilo())
        {
            FeedEndpoints.Map(app);
        }

        app.MapCandlesOperations();
        if (dashboard)
        {
            // Every silo needs it added for a gateway's dashboard to see the cluster.
            app.MapOrleansDashboard("/dashboard");
        }

        return app;
    }
}
