using System.Net.Http.Json;
using System.Text.Json;
using Candles.Gateway.Grpc.V1;
using Candles.Testing.FakeVenues;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Candles.EndToEnd.Tests;

/// <summary>
/// A Binance feed loses trades its venue can no longer serve: the minutes they fell in, and every bar composed
/// from them, are served with <c>complete: false</c> over REST, WebSocket and gRPC; the others stay complete.
/// </summary>
public sealed class FeedGapTests : IAsyncLifetime
{
    private const string Instrument = "BINANCE:ETHUSDT";

    /// <summary>Ten minutes of one trade a second: trade i at second i-1.</summary>
    private const long StartMs = 1_772_236_800_000;

    private readonly FakeBinance _venue = new();
    private RunningService _server = null!;
    private Abstractions.Wire.FeedStatus? _status;

    private static List<FakeTrade> Trades(int firstId, int lastId) =>
        [.. Enumerable.Range(firstId, lastId - firstId + 1).Select(i => new FakeTrade("ETHUSDT", i, (StartMs + ((i - 1) * 1000L)) * 1000, $"{3000 + (i % 7)}.5", "0.100", i % 2 == 0))];

    public async Task InitializeAsync()
    {
        _venue.Listed["ETHUSDT"] = ("0.10000000", "0.00100000");
        await _venue.StartAsync();
        _server = new RunningService(
            "--Candles:Silo:Simulator=false", "--Candles:Feeds:Binance:Instruments=ETHUSDT", "--Candles:Feeds:Binance:GapWait=00:00:00.2",
            $"--Candles:Feeds:Binance:WebSocketUrl={_venue.WebSocketUrl}", $"--Candles:Feeds:Binance:RestUrl={_venue.RestUrl}",
            "--Candles:Feeds:CheckPeriod=00:00:00.5");
        await _server.InitializeAsync();
        Assert.True(await Until(() => _venue.Subscribed == 1), "the feed never subscribed");

        // Minutes 0-4 heard live; 5 lost for good (REST starts at trade 361); 6 refilled over REST; 7-9 live.
        var feed = _server.Services.GetRequiredService<IClusterClient>().GetGrain<Abstractions.Grains.IFeedGrain>("binance/0/A");
        await _venue.PublishAsync(Trades(1, 300));

        // Dropped once all of them arrived: a drop loses what is still in flight, which would be a different test.
        Assert.True(await UntilAsync(async () => (await feed.GetStatus())?.Applied == 300), "the first trades never arrived");
        _venue.DropAll();
        _venue.Happen(Trades(301, 420));
        _venue.RestFloorId = 361;
        Assert.True(await Until(() => _venue.Subscribed == 1), "the feed never reconnected");
        await _venue.PublishAsync(Trades(421, 600));

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            _status = await feed.GetStatus();
            var bars = await MinuteBarsAsync();
            if (bars.Count == 9 && bars.Sum(b => b.GetProperty("n").GetInt64()) == 540 && bars.Any(b => !b.GetProperty("complete").GetBoolean()))
            {
                return;
            }

            await Task.Delay(200);
        }
    }

    private static async Task<bool> Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        return condition();
    }

    private static async Task<bool> UntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        return await condition();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _venue.DisposeAsync();
    }

    private async Task<List<JsonElement>> MinuteBarsAsync(string tf = "1m")
    {
        var page = await _server.Http.GetFromJsonAsync<JsonElement>($"api/v1/candles?instrument={Instrument}&tf={tf}&from=0&limit=100");
        return [.. page.GetProperty("candles").EnumerateArray()];
    }

    /// <summary>Minute index → complete, for the minutes that have a bar.</summary>
    private static Dictionary<long, bool> Completeness(IEnumerable<(long T, bool Complete)> bars) =>
        bars.ToDictionary(b => (b.T - StartMs) / 60_000, b => b.Complete);

    /// <summary>
    /// The lost trades lie between trade 300 (minute 4) and trade 361 (minute 6): those minutes and the one between. Minute
    /// 0 holds the first trade the instrument ever had from the feed: the trades before it were not followed.
    /// </summary>
    private static readonly Dictionary<long, bool> Expected = new()
    {
        [0] = false, [1] = true, [2] = true, [3] = true, [4] = false, [6] = false, [7] = true, [8] = true, [9] = true,
    };

    [Fact]
    public async Task RestServesTheMinutesOfTheLostTradesAndTheBarsHoldingThemAsIncomplete()
    {
        var minutes = await MinuteBarsAsync();
        Assert.Equal(Expected, Completeness(minutes.Select(b => (b.GetProperty("t").GetInt64(), b.GetProperty("complete").GetBoolean()))));
        Assert.Equal(540, minutes.Sum(b => b.GetProperty("n").GetInt64()));

        // Every bar holding minute 4 or 6 is incomplete, whatever its timeframe: both 5m bars, the 1h, the day.
        foreach (var tf in new[] { "5m", "1h", "1d" })
        {
            Assert.All(await MinuteBarsAsync(tf), b => Assert.False(b.GetProperty("complete").GetBoolean(), $"{tf} bar {b}"));
        }
    }

    [Fact]
    public async Task AWebSocketSnapshotCarriesTheSameCompleteness()
    {
        await using var client = await LiveClient.ConnectAsync(_server.WebSocketAddress);
        await client.SendAsync(new { op = "subscribe", id = "m", instrument = Instrument, tf = "1m", history = 100 });
        Assert.True(await client.UntilAsync(c => c.Snapshots == 1, TimeSpan.FromSeconds(20)), "no snapshot");
        var bars = client.Bars["\"m\""].Values;
        Assert.Equal(Expected, Completeness(bars.Select(b => (b.GetProperty("t").GetInt64(), b.GetProperty("complete").GetBoolean()))));
    }

    [Fact]
    public async Task GrpcServesTheSameCompleteness()
    {
        using var channel = GrpcChannel.ForAddress(_server.GrpcAddress);
        var reply = await new CandleService.CandleServiceClient(channel).GetCandlesAsync(new CandlesRequest { Instrument = Instrument, Tf = "1m", FromMs = 0, Limit = 100 });
        Assert.True(Expected.Count == reply.Candles.Count, $"{reply.Candles.Count} bars; the feed: {_status}");
        Assert.Equal(Expected, Completeness(reply.Candles.Select(c => (c.T, c.Complete))));
    }
}
