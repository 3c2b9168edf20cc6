using Candles.Abstractions.Grains;
using Candles.Ingest.Feeds;
using Microsoft.Extensions.Options;

namespace Candles.Host.Serving;

/// <summary><c>GET /api/v1/feeds</c>: every configured connector, where it runs and what it has seen.</summary>
public static class FeedEndpoints
{
    public static void Map(WebApplication app) =>
        app.MapGet("/api/v1/feeds", async (IGrainFactory grains, IOptions<FeedOptions> options) =>
        {
            var shards = FeedPlan.Of(options.Value);
            var statuses = await Task.WhenAll(shards.Select(s => grains.GetGrain<IFeedGrain>(s.Key).GetStatus()));
            return Results.Ok(shards.Zip(statuses, (shard, status) => new { key = shard.Key, venue = shard.Venue, instruments = shard.Symbols, running = status is not null, status }));
        }).WithName("GetFeeds").WithSummary("The exchange feed connectors: where each runs and its counts");
}
