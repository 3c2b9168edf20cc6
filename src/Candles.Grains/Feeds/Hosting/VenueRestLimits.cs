using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Candles.Ingest.Feeds;
using Microsoft.Extensions.Options;

namespace Candles.Grains.Feeds.Hosting;

/// <summary>
/// One token bucket per venue for the whole silo: every REST request to the venue (grids, catch-ups, gap fetches of
/// every connector, and each retry of one) takes a token, and waits in turn when there is none, so a reconnect that
/// asks for every symbol's missed trades at once stays under the venue's per-IP limit instead of being refused or
/// getting the address banned. Made on a venue's first request, so invalid settings fail their own validation first.
/// </summary>
public sealed class VenueRestLimits(IOptions<FeedOptions> options) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<TokenBucketRateLimiter>> _limiters = new(StringComparer.Ordinal);

    public RateLimiter For(Venue venue) => _limiters.GetOrAdd(venue.Name, _ => new Lazy<TokenBucketRateLimiter>(() =>
    {
        // A token every 1/rate s, at most the burst saved up.
        var settings = options.Value.For(venue);
        var rate = settings.RestRateFor(venue);
        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = settings.RestBurstFor(venue),
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromTicks(TimeSpan.TicksPerSecond / rate),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    })).Value;

    public void Dispose()
    {
        foreach (var limiter in _limiters.Values.Where(l => l.IsValueCreated))
        {
            limiter.Value.Dispose();
        }
    }
}
