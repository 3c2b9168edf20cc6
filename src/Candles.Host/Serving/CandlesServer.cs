using Candles.Gateway.Hosting;
using Candles.Grains.Hosting;
using Candles.Host.Feeds;

namespace Candles.Host.Serving;

/// <summary>
/// The composition root of <c>serve</c>. With nothing configured it runs embedded: a localhost silo, in-memory
/// storage, the gateway on http://localhost:5080 (standard <c>--urls</c> overrides it) and the simulated feed.
/// </summary>
public static class CandlesServer
{
    public const string DefaultUrl = "http://localhost:5080";

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        var embedded = builder.Configuration.GetSection("Candles:Embedded").Get<EmbeddedOptions>() ?? new EmbeddedOptions();
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(embedded.SiloPort, embedded.GatewayPort);
            silo.AddMemoryGrainStorage(CandlesSiloBuilderExtensions.StorageName);
            silo.AddCandleGrains(builder.Configuration);
        });
        builder.Services.AddCandlesGateway(builder.Configuration);
        if (embedded.Simulator)
        {
            builder.Services.AddHostedService<SimulatedFeed>();
        }

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapCandlesApi();
        return app;
    }
}
