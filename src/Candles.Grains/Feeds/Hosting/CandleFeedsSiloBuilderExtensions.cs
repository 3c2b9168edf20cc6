using Candles.Ingest.Feeds;
using Candles.Ingest.Feeds.Coinbase;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
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
            builder.Services.AddVenueRestClient(venue);
        }

        builder.Services.AddSingleton<FeedConnectors>();
        builder.Services.AddHostedService<FeedStartupCheck>();
        builder.Services.AddHostedService<FeedSupervisor>();
        builder.Services.AddPlacementDirector<FeedSpreadPlacement, FeedSpreadPlacementDirector>();
        return builder;
    }

    /// <summary>
    /// The venue's REST client (<see cref="FeedConnectors.HttpClientName"/>): its base address from the settings, the
    /// standard resilience handler (retries with backoff honouring Retry-After, timeouts, circuit breaker), whose rate
    /// limiter is the venue's token bucket shared by the silo's connectors (<see cref="VenueRestLimits"/>); each retry
    /// takes a token too. A request may wait its turn for as long as it takes: the handler's timeouts start after it.
    /// </summary>
    public static IServiceCollection AddVenueRestClient(this IServiceCollection services, Venue venue)
    {
        services.TryAddSingleton<VenueRestLimits>();
        services.AddHttpClient(FeedConnectors.HttpClientName(venue), (provider, client) =>
            {
                var options = provider.GetRequiredService<IOptions<FeedOptions>>().Value.For(venue);
                client.BaseAddress = WithSlash(options.RestUrl is { } url ? new Uri(url) : venue.DefaultRestUrl);
                client.DefaultRequestHeaders.UserAgent.ParseAdd(CoinbaseVenue.UserAgent);
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .AddStandardResilienceHandler()
            .Configure((options, provider) =>
            {
                var limits = provider.GetRequiredService<VenueRestLimits>();
                options.RateLimiter.RateLimiter = arguments => limits.For(venue).AcquireAsync(1, arguments.Context.CancellationToken);
                options.Retry.OnRetry = async arguments =>
                {
                    using var lease = await limits.For(venue).AcquireAsync(1, arguments.Context.CancellationToken);
                };
            });
        return services;
    }

    /// <summary>Relative paths resolve under the base address only if it ends with a slash.</summary>
    private static Uri WithSlash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}
