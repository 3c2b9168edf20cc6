using System.Diagnostics;
using System.Net;
using Candles.Grains.Feeds;
using Candles.Grains.Feeds.Hosting;
using Candles.Ingest.Feeds;
using Candles.Ingest.Feeds.Binance;
using Candles.Testing.FakeVenues;
using Microsoft.Extensions.DependencyInjection;

namespace Candles.Host.Tests;

/// <summary>A venue's REST requests from every connector of a silo share one rate, over real HTTP to a fake venue.</summary>
public class VenueRestLimitTests
{
    [Fact]
    public async Task AVenuesRestRequestsFromEveryClientWaitTheirTurnUnderItsRateAndNoneIsRefused()
    {
        await using var fake = new FakeBinance();
        fake.Listed["BTCUSDT"] = ("0.01", "0.00001");
        await fake.StartAsync();
        var venue = new BinanceVenue();
        var services = new ServiceCollection();
        services.Configure<FeedOptions>(o => (o.Binance.RestUrl, o.Binance.RestRequestsPerSecond) = (fake.RestUrl.ToString(), 5));
        services.AddVenueRestClient(venue);
        await using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<IHttpClientFactory>();

        // Two connectors' clients, 25 requests at once after one that warms the path: 5 may go at once, then one every
        // 0.2 s, so the last no sooner than 4 s in (without the limit, well under a second).
        HttpClient[] clients = [factory.CreateClient(FeedConnectors.HttpClientName(venue)), factory.CreateClient(FeedConnectors.HttpClientName(venue))];
        Assert.Equal(HttpStatusCode.OK, (await clients[0].GetAsync("api/v3/exchangeInfo?symbol=BTCUSDT")).StatusCode);
        await Task.Delay(1_000);
        var clock = Stopwatch.StartNew();
        var answers = await Task.WhenAll(Enumerable.Range(0, 25).Select(i => clients[i % 2].GetAsync("api/v3/exchangeInfo?symbol=BTCUSDT")));
        var elapsed = clock.Elapsed;

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.OK, answer.StatusCode));
        Assert.Equal(26, fake.RestCalls["/api/v3/exchangeInfo"]);
        Assert.True(elapsed >= TimeSpan.FromSeconds(3.8), $"25 requests at 5 a second took {elapsed.TotalSeconds:0.00} s");
    }

    [Theory]
    [InlineData("Binance", 240, 60)] // 6,000 weight a minute, historicalTrades 25
    [InlineData("Bybit", 600, 5)]
    [InlineData("Coinbase", 25, 1)] // a bucket of 15 refilled at 10 a second
    [InlineData("Okx", 20, 2)]
    public void EachVenuesDefaultsStayUnderItsPublishedLimitInItsWindow(string name, int limit, int windowSeconds)
    {
        var venue = Venues.Find(name)!;
        var options = new VenueFeedOptions();
        var most = options.RestBurstFor(venue) + (options.RestRateFor(venue) * windowSeconds);
        Assert.InRange(most, 1, limit);
    }

    [Fact]
    public void ARateSetWithoutABurstLetsASecondsWorthGoAtOnce()
    {
        Assert.Equal((50, 50), (new VenueFeedOptions { RestRequestsPerSecond = 50 }.RestRateFor(new BinanceVenue()), new VenueFeedOptions { RestRequestsPerSecond = 50 }.RestBurstFor(new BinanceVenue())));
        Assert.Equal(7, new VenueFeedOptions { RestRequestsPerSecond = 50, RestBurst = 7 }.RestBurstFor(new BinanceVenue()));
    }
}
