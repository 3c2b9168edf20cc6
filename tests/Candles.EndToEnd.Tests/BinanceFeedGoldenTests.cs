using System.Net.Http.Json;
using System.Text.Json;
using Candles.Abstractions.Grains;
using Candles.Abstractions.Wire;
using Candles.Testing;
using Candles.Testing.FakeVenues;
using Microsoft.Extensions.DependencyInjection;

namespace Candles.EndToEnd.Tests;

/// <summary>
/// The service's Binance feed pointed at a Binance-compatible server on loopback that publishes the golden tape
/// as <c>@trade</c> messages, drops every connection in the middle while trades go on, and serves
/// <c>historicalTrades</c>: once for the class.
/// </summary>
public sealed class BinanceFeedOfTheGoldenTape : IAsyncLifetime
{
    public const string Instrument = "BINANCE:BTCUSDT";

    /// <summary>Trades that happen while no connection is up, only REST can give them back.</summary>
    public const int Missed = 20_000;

    public FakeBinance Venue { get; } = new();

    public RunningService Server { get; private set; } = null!;

    public FeedStatus Status { get; private set; } = null!;

    public int Tape { get; private set; }

    public async Task InitializeAsync()
    {
        Venue.Listed["BTCUSDT"] = ("0.01000000", "0.00001000");
        await Venue.StartAsync();
        Server = new RunningService(
            "--Candles:Silo:Simulator=false", "--Candles:Feeds:Binance:Instruments=BTCUSDT",
            $"--Candles:Feeds:Binance:WebSocketUrl={Venue.WebSocketUrl}", $"--Candles:Feeds:Binance:RestUrl={Venue.RestUrl}",
            "--Candles:Feeds:CheckPeriod=00:00:00.5");
        await Server.InitializeAsync();
        Assert.True(await Until(() => Venue.Subscribed == 1, TimeSpan.FromSeconds(30)), "the feed never subscribed");

        var trades = FakeTrade.FromBinanceCsv(GoldenFiles.Tape, "BTCUSDT");
        Tape = trades.Count;
        var half = trades.Count / 2;
        await Venue.PublishAsync(trades.Take(half));
        Venue.DropAll();
        Venue.Happen(trades.Skip(half).Take(Missed));
        Assert.True(await Until(() => Venue.Subscribed == 1, TimeSpan.FromSeconds(30)), "the feed never reconnected");
        await Venue.PublishAsync(trades.Skip(half + Missed));

        var feed = Server.Services.GetRequiredService<IClusterClient>().GetGrain<IFeedGrain>("binance/0/A");
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while ((Status = (await feed.GetStatus())!).Applied < Tape && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }
    }

    private static async Task<bool> Until(Func<bool> condition, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        return condition();
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Venue.DisposeAsync();
    }
}

public class BinanceFeedGoldenTests(BinanceFeedOfTheGoldenTape feed) : IClassFixture<BinanceFeedOfTheGoldenTape>
{
    public static TheoryDataOf Cases => GoldenCase.All();

    [Fact]
    public void EveryTradeArrivedOnceTheMissedOnesOverRest()
    {
        var status = feed.Status;
        Assert.Equal(feed.Tape, status.Applied);
        Assert.Equal((0L, 0L, 1L), (status.Duplicates, status.Unfilled, status.Drops));
        Assert.True(status.Backfilled >= BinanceFeedOfTheGoldenTape.Missed, $"{status.Backfilled} trades came over REST");
        Assert.True(feed.Venue.RestCalls["/api/v3/historicalTrades"] >= BinanceFeedOfTheGoldenTape.Missed / 1000);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task GoldenFileEqualsWhatRestServes(string fileName)
    {
        var golden = GoldenCase.Parse(fileName);
        var expected = File.ReadAllLines(GoldenFiles.PathOf(fileName)).ToList();
        if (golden.Kind == "candles")
        {
            expected = [.. expected.Select(line => string.Join(',', line.Split(',').Take(10)))];
        }

        CsvAssert.Equal(expected, await RestRows.ServedAsync(feed.Server.Http, BinanceFeedOfTheGoldenTape.Instrument, golden, expected[0]), fileName);
    }

    [Fact]
    public async Task EveryBarIsClosedAndComplete()
    {
        var page = await feed.Server.Http.GetFromJsonAsync<JsonElement>($"api/v1/candles?instrument={BinanceFeedOfTheGoldenTape.Instrument}&tf=1h&from=0&limit=5000");
        var candles = page.GetProperty("candles").EnumerateArray().ToList();
        Assert.Equal(File.ReadAllLines(GoldenFiles.PathOf("candles_1h_UTC.csv")).Length - 1, candles.Count);
        Assert.All(candles, c => Assert.True(c.GetProperty("closed").GetBoolean()));

        // The first hour holds the first trade the instrument had: the feed did not follow the trades before it.
        Assert.False(candles[0].GetProperty("complete").GetBoolean(), candles[0].ToString());
        Assert.All(candles.Skip(1), c => Assert.True(c.GetProperty("complete").GetBoolean(), c.ToString()));
    }
}
