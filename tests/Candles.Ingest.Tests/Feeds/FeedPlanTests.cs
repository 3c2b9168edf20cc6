using Candles.Ingest.Feeds;

namespace Candles.Ingest.Tests.Feeds;

/// <summary>Which connectors the configuration makes, and the configurations refused with the setting named.</summary>
public class FeedPlanTests
{
    [Fact]
    public void InstrumentsAreShardedByTheStreamsPerConnectionAndEachShardRunsOncePerReplica()
    {
        var options = new FeedOptions
        {
            Redundancy = 2,
            Binance = new VenueFeedOptions { Instruments = "btcusdt, ETHUSDT,BNBUSDT,,ETHUSDT", MaxStreamsPerConnection = 2 },
            Okx = new VenueFeedOptions { Instruments = "BTC-USDT" },
        };

        var shards = FeedPlan.Of(options);

        Assert.Equal(["binance/0/A", "binance/0/B", "binance/1/A", "binance/1/B", "okx/0/A", "okx/0/B"], shards.Select(s => s.Key));
        Assert.Equal(["BTCUSDT", "ETHUSDT"], shards[0].Symbols);
        Assert.Equal(["BNBUSDT"], shards[2].Symbols);
    }

    [Fact]
    public void NothingConfiguredMakesNoConnector() => Assert.Empty(FeedPlan.Of(new FeedOptions()));

    [Theory]
    [InlineData("Kraken", "Candles:Feeds:Kraken: unknown venue 'Kraken'")]
    [InlineData("Redundancy", "Candles:Feeds:Redundancy must be 1 or 2, not 3")]
    [InlineData("Symbol", "Candles:Feeds:Binance:Instruments: 'BTC/USDT' is not a Binance symbol")]
    [InlineData("Url", "Candles:Feeds:Binance:WebSocketUrl: 'http://x' is not a ws:// or wss:// address")]
    [InlineData("Stream", "Candles:Feeds:Binance:Stream must be trade or aggTrade, not 'depth'")]
    [InlineData("Coinbase", "Candles:Feeds:Coinbase:Instruments: 'BTCUSD' is not a Coinbase symbol")]
    [InlineData("OkxTrades", "Candles:Feeds:Okx:Stream must be trade or trades-all (every fill once), not 'trades'")]
    [InlineData("RestRate", "Candles:Feeds:Bybit: BatchSize must be positive, MaxBackfillTrades, MaxStreamsPerConnection, RestRequestsPerSecond and RestBurst not negative")]
    [InlineData("Queue", "Candles:Feeds:Binance: MaxQueuedTicks (100) must be at least BatchSize (5000)")]
    public void BadSettingsAreRefusedNamingTheSetting(string what, string expected)
    {
        var options = new FeedOptions();
        List<string> keys = ["Binance"];
        switch (what)
        {
            case "Kraken": keys.Add("Kraken"); break;
            case "Redundancy": options.Redundancy = 3; break;
            case "Symbol": options.Binance.Instruments = "BTCUSDT,BTC/USDT"; break;
            case "Url": options.Binance.WebSocketUrl = "http://x"; break;
            case "Stream": options.Binance.Stream = "depth"; break;
            case "Coinbase": options.Coinbase.Instruments = "BTCUSD"; break;
            case "OkxTrades": options.Okx.Stream = "trades"; break;
            case "RestRate": options.Bybit.RestRequestsPerSecond = -1; break;
            case "Queue": options.Binance.MaxQueuedTicks = 100; break;
        }

        var problems = FeedPlan.Problems(options, keys);
        Assert.Contains(problems, p => p.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void GoodSettingsHaveNoProblem() =>
        Assert.Empty(FeedPlan.Problems(new FeedOptions { Binance = new VenueFeedOptions { Instruments = "BTCUSDT", WebSocketUrl = "wss://x/stream" } }, ["Binance", "Redundancy"]));
}
