using Candles.Ingest.Feeds;
using Candles.Ingest.Feeds.Coinbase;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Candles.Grains.Feeds.Hosting;

public static class CandleFeedsSiloBuilderExtensions
{
    /// <summary>
    /// The exchange feeds of section <c>Candles:Feeds</c>: their settings (validated at start), one REST client per
    /// venue with the standard resilience handler (retries with backoff, timeouts, circuit breaker), the connector
    /// grains' placement, and the check that keeps every connector running somewhere in the cluster.
    /// </summary>
    public static ISiloBuilder AddCandleFeeds(this ISiloBuilder builder, IConfiguration configuration)
    {
        builder.Services.AddOptions<FeedOptions>().Bind(configuration.GetSection(FeedOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<FeedOptions>, FeedOptionsValidator>();
        foreach (var venue in Venues.All)
        {
            builder.Services.AddHttpClient(FeedConnectors.HttpClientName(venue), (services, client) =>
                {
                    var options = services.GetRequiredService<IOptions<FeedOptions>>().Value.For(venue);
                    client.BaseAddress = WithSlash(options.RestUrl is { } url ? new Uri(url) : venue.DefaultRestUrl);
                    client.DefaultRequestHeaders.UserAgent.ParseAdd(CoinbaseVenue.UserAgent);
                })
                .AddStandardResilienceHandler();
        }

        builder.Services.AddSingleton<FeedConnectors>();
        builder.Services.AddHostedService<FeedStartupCheck>();
        builder.Services.AddHostedService<FeedSupervisor>();
        builder.Services.AddPlacementDirector<FeedSpreadPlacement, FeedSpreadPlacementDirector>();
        return builder;
    }

    /// <summary>Relative paths resolve under the base address only if it ends with a slash.</summary>
    private static Uri WithSlash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}
