using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

using static Candles.EndToEnd.Tests.ServiceCalls;

namespace Candles.EndToEnd.Tests;

/// <summary>A gateway with small limits, every live change sent, and quick stream checks.</summary>
public sealed class TightGateway() : RunningService(Settings)
{
    internal static readonly string[] Settings =
    [
        "--Candles:Gateway:MaxSubscriptionsPerConnection=3", "--Candles:Gateway:MaxUpdatesPerSecond=0",
        "--Candles:Gateway:FeedCheckPeriod=00:00:02", "--Candles:Gateway:MaxClientMessageBytes=1024", "--Candles:Gateway:ClientMaxLag=00:00:30", "--Candles:Gateway:SlowClientGrace=00:00:10",
        "--Candles:Gateway:ClientQueueLimit=500",
    ];
}

/// <summary>
/// The tight gateway, but waiting two minutes for a client it cut off to take its close: a test's slow client starts
/// reading only once the fast one has everything, which on a busy machine can be later than the usual 10 s.
/// </summary>
public sealed class PatientGateway() : RunningService([.. TightGateway.Settings, "--Candles:Gateway:SlowClientGrace=00:02:00"]);

/// <summary>The live protocol of DESIGN §3 end to end: a ClientWebSocket against the running host.</summary>
public class WebSocketProtocolTests(TightGateway server) : IClassFixture<TightGateway>
{
    private static readonly long T0 = Ms("2026-05-04T10:00:00Z");

    private static void AssertContiguous(LiveClient client, string id)
    {
        var sequences = client.Sequences[id];
        Assert.Equal(Enumerable.Range(1, sequences.Count).Select(i => (long)i), sequences);
    }

    private static (long T, long N, bool Closed, int Rev) Bar(JsonElement message)
    {
        var c = message.GetProperty("candle");
        return (c.GetProperty("t").GetInt64(), c.GetProperty("n").GetInt64(), c.GetProperty("closed").GetBoolean(), c.GetProperty("rev").GetInt32());
    }

    [Fact]
    public async Task ASubscriberGetsTheSnapshotThenLiveUpdatesClosesAndCorrectionsInSequence()
    {
        const string instrument = "TEST:WSFLOW";
        await DefineAsync(server.Http, instrument);
        await IngestAsync(server.Http, instrument, [(1, T0 + 10_000, "100.00", "1.000", "buy"), (2, T0 + 20_000, "101.00", "1.000", "sell")]);
        await using var client = await LiveClient.ConnectAsync(server.WebSocketAddress);
        await client.SendAsync(new { op = "subscribe", id = 1, instrument, tf = "1m", tz = "UTC", history = 10, footprint = false, step = (string?)null });

        var snapshot = await client.NextAsync();
        Assert.Equal(("snapshot", 1, 1L), (snapshot.GetProperty("type").GetString(), snapshot.GetProperty("id").GetInt32(), snapshot.GetProperty("seq").GetInt64()));
        var bar = Assert.Single(snapshot.GetProperty("candles").EnumerateArray());
        Assert.Equal((T0, "100.00", "101.00", "2.000", "1.000", "1.000", 2L, false, true),
            (bar.GetProperty("t").GetInt64(), bar.GetProperty("o").GetString(), bar.GetProperty("c").GetString(), bar.GetProperty("v").GetString(),
             bar.GetProperty("bv").GetString(), bar.GetProperty("sv").GetString(), bar.GetProperty("n").GetInt64(), bar.GetProperty("closed").GetBoolean(), bar.GetProperty("complete").GetBoolean()));

        // A trade in the next minute closes the first bar, then the new one is live.
        await IngestAsync(server.Http, instrument, [(4, T0 + 70_000, "102.00", "1.000", "buy")]);
        Assert.True(await client.UntilAsync(c => c.Bars["1"].ContainsKey(T0 + 60_000), TimeSpan.FromSeconds(30)));
        var bars = client.Messages.Where(m => m.TryGetProperty("candle", out _)).Select(m => (Type: m.GetProperty("type").GetString(), Bar: Bar(m))).ToList();
        var close = bars.FindIndex(b => b.Bar == (T0, 2L, true, 0));
        Assert.True(close >= 0 && close < bars.FindIndex(b => b.Bar.T == T0 + 60_000), "the close of the first bar comes before the next bar's update");
        Assert.Equal(("update", (T0 + 60_000, 1L, false, 0)), bars[^1]);

        // A late trade of the closed minute corrects it.
        await IngestAsync(server.Http, instrument, [(3, T0 + 30_000, "99.00", "1.000", "sell")]);
        Assert.True(await client.UntilAsync(c => c.Bars["1"][T0].GetProperty("rev").GetInt32() == 1, TimeSpan.FromSeconds(30)));
        var correction = client.Messages.Last(m => m.TryGetProperty("candle", out var c) && c.GetProperty("t").GetInt64() == T0);
        Assert.Equal("correction", correction.GetProperty("type").GetString());
        Assert.Equal((T0, 3L, true, 1), Bar(correction));
        Assert.Equal("99.00", correction.GetProperty("candle").GetProperty("l").GetString());
        AssertContiguous(client, "1");
    }

    [Fact]
    public async Task ALongerBarClosesWhenTheWatermarkPassesItsEndEvenIfItsLastMinutesWereQuiet()
    {
        const string instrument = "TEST:WSCLOSE5";
        await DefineAsync(server.Http, instrument);
        await IngestAsync(server.Http, instrument, [(1, T0 + 10_000, "100.00", "1.000", "buy")]);
        await using var client = await LiveClient.ConnectAsync(server.WebSocketAddress);
        await client.SendAsync(new { op = "subscribe", id = "five", instrument, tf = "5m", history = 5 });
        await client.NextOfTypeAsync("snapshot");

        // Minute 0 closes at 01:10, nothing trades until 07:00: the 5m bar [00:00, 05:00) still closes.
        await IngestAsync(server.Http, instrument, [(2, T0 + 70_000, "100.00", "1.000", "buy")]);
        await IngestAsync(server.Http, instrument, [(3, T0 + 420_000, "100.00", "1.000", "buy")]);
        Assert.True(await client.UntilAsync(c => c.Bars["\"five\""].TryGetValue(T0, out var b) && b.GetProperty("closed").GetBoolean(), TimeSpan.FromSeconds(30)));
        Assert.Equal(2, client.Bars["\"five\""][T0].GetProperty("n").GetInt64());
        Assert.False(client.Bars["\"five\""][T0 + 300_000].GetProperty("closed").GetBoolean());
        AssertContiguous(client, "\"five\"");
    }

    [Fact]
    public async Task FootprintSubscriptionsSendFootprintBarsWithTheCandleFieldsAtTheTopLevel()
    {
        const string instrument = "TEST:WSFOOT";
        await DefineAsync(server.Http, instrument);
        await IngestAsync(server.Http, instrument, [(1, T0 + 1_000, "100.00", "1.000", "buy"), (2, T0 + 2_000, "100.40", "2.000", "sell"), (3, T0 + 3_000, "101.10", "1.000", "buy")]);
        await using var client = await LiveClient.ConnectAsync(server.WebSocketAddress);
        await client.SendAsync(new { op = "subscribe", id = 7, instrument, tf = "1m", history = 3, footprint = true, step = "1.00" });

        var bar = Assert.Single((await client.NextOfTypeAsync("snapshot")).GetProperty("candles").EnumerateArray());
        Assert.False(bar.TryGetProperty("candle", out _));
        Assert.Equal((T0, 3L, "4.000", "100.00"), (bar.GetProperty("t").GetInt64(), bar.GetProperty("n").GetInt64(), bar.GetProperty("v").GetString(), bar.GetProperty("poc").GetString()));
        Assert.Equal(["100.00:1.000:2.000", "101.00:1.000:0.000"], bar.GetProperty("levels").EnumerateArray().Select(l => $"{l.GetProperty("p").GetString()}:{l.GetProperty("bv").GetString()}:{l.GetProperty("sv").GetString()}"));

        await IngestAsync(server.Http, instrument, [(4, T0 + 4_000, "102.50", "3.000", "buy")]);
        Assert.True(await client.UntilAsync(c => c.Bars["7"][T0].GetProperty("n").GetInt64() == 4, TimeSpan.FromSeconds(30)));
        var update = client.Bars["7"][T0];

        // POC ties (3.000 at 100 and at 102) go to the lower price; delta is 5 bought minus 2 sold.
        Assert.Equal(("100.00", "3.000", 3), (update.GetProperty("poc").GetString(), update.GetProperty("delta").GetString(), update.GetProperty("levels").GetArrayLength()));
        Assert.Equal(["100.00", "101.00", "102.00"], update.GetProperty("levels").EnumerateArray().Select(l => l.GetProperty("p").GetString()));
    }

    [Fact]
    public async Task AFootprintBarClosesOnceEvenWhenItsLiveUpdateIsReadAfterItClosed()
    {
        // Minute after minute, as fast as they are taken: a live update's footprint is often read after the next minute's
        // trade closed its bar. It still says what the update said (open); the close says closed, once.
        const string instrument = "TEST:WSFOOTCLOSE";
        const int minutes = 40;
        await DefineAsync(server.Http, instrument);
        await using var client = await LiveClient.ConnectAsync(server.WebSocketAddress);
        await client.SendAsync(new { op = "subscribe", id = 1, instrument, tf = "1m", history = 1, footprint = true });
        await client.NextOfTypeAsync("snapshot");
        for (var i = 0; i < minutes; i++)
        {
            await IngestAsync(server.Http, instrument, [(i + 1, T0 + (i * 60_000L) + 1_000, "100.00", "1.000", "buy")]);
        }

        var last = T0 + ((minutes - 1) * 60_000L);
        Assert.True(await client.UntilAsync(c => c.Bars["1"].ContainsKey(last) && c.Bars["1"].Count(b => b.Value.GetProperty("closed").GetBoolean()) == minutes - 1, TimeSpan.FromSeconds(60)));

        // A busy machine may send a fresh snapshot instead of some closes; none may come twice.
        var closes = client.Messages.Where(m => m.GetProperty("type").GetString() == "update" && m.GetProperty("candle").GetProperty("closed").GetBoolean())
            .GroupBy(m => m.GetProperty("candle").GetProperty("t").GetInt64()).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(closes.Count == 0, $"closed more than once: {string.Join(", ", closes)}");
    }

    [Fact]
    public async Task EveryRefusalHasItsCodeAndTheConnectionGoesOn()
    {
        const string instrument = "TEST:WSERR";
        await DefineAsync(server.Http, instrument);
        await using var client = await LiveClient.ConnectAsync(server.WebSocketAddress);

        async Task ExpectAsync(Func<Task> send, string code, string text)
        {
            await send();
            var error = await client.NextAsync();
            Assert.Equal(("error", code), (error.GetProperty("type").GetString(), error.GetProperty("code").GetString()));
            Assert.Contains(text, error.GetProperty("message").GetString());
        }

        Task Subscribe(object message) => client.SendAsync(message);
        await ExpectAsync(() => Subscribe(new { op = "subscribe", id = 1, instrument = "TEST:NOSUCH", tf = "1m" }), "unknown_instrument", "TEST:NOSUCH");
        await ExpectAsync(() => Subscribe(new { op = "subscribe", id = 2, instrument, tf = "2d" }), "bad_timeframe", "'2d'");
        await ExpectAsync(() => Subscribe(new { op = "subscribe", id = 3, instrument, tf = "1d", tz = "Mars/Base" }), "bad_zone", "Mars/Base");
        await ExpectAsync(() => Subscribe(new { op = "subscribe", id = 4, instrument = "test:lower", tf = "1m" }), "bad_request", "upper case");
        await ExpectAsync(() => Subscribe(new { op = "subscribe", id = 5, instrument, tf = "1m", history = 5001 }), "bad_request", "history 5001");
        await ExpectAsync(() => Subscribe(new { op = "subscribe", id = 6, instrument, tf = "1m", footprint = true, step = "0.015" }), "bad_request", "whole multiple");
        await ExpectAsync(() => Subscribe(new { op = "subscribe", id = 7, instrument, tf = "1m", step = "1.00" }), "bad_request", "footprint");
        await ExpectAsync(() => Subscribe(new { op = "subscribe", instrument, tf = "1m" }), "bad_request", "needs an \"id\"");
        await ExpectAsync(() => client.SendTextAsync("{\"op\":\"subscribe\",\"id\":{},\"tf\":\"1m\"}"), "bad_request", "\"id\" must be");
        await ExpectAsync(() => client.SendTextAsync("{\"op\":\"subscribe\",\"id\":8,\"history\":\"lots\"}"), "bad_request", "\"history\" must be a whole number");
        await ExpectAsync(() => client.SendTextAsync("{\"op\":\"subscribe\",\"id\":8,\"footprint\":\"yes\"}"), "bad_request", "true or false");
        await ExpectAsync(() => client.SendTextAsync("this is not json"), "bad_request", "not JSON");
        await ExpectAsync(() => client.SendTextAsync("{\"op\":\"subscribe\",\"id\":12,\"instrument\":\"\\ud800\",\"tf\":\"1m\"}"), "bad_request", "lone surrogate");
        await ExpectAsync(() => client.SendTextAsync("{\"op\":\"\\udc00\",\"id\":13}"), "bad_request", "lone surrogate");
        await ExpectAsync(() => Subscribe(new { op = "subscribe", id = 14, instrument, tf = "1m", history = -1 }), "bad_request", "history -1");
        await ExpectAsync(() => client.SendTextAsync("[1,2,3]"), "bad_request", "JSON object");
        await ExpectAsync(() => client.SendTextAsync("{\"id\":9}"), "bad_request", "\"op\" must be");
        await ExpectAsync(() => Subscribe(new { op = "dance", id = 10 }), "bad_request", "'dance'");
        await ExpectAsync(() => Subscribe(new { op = "unsubscribe", id = 11 }), "bad_request", "no subscription with id 11");
        await ExpectAsync(() => client.SendBinaryAsync([1, 2, 3]), "bad_request", "text frames");
        await ExpectAsync(() => client.SendTextAsync("{\"op\":\"ping\",\"pad\":\"" + new string('x', 5000) + "\"}"), "bad_request", "larger than 1024 bytes");

        // Three subscriptions at most here; the same id twice is refused.
        for (var id = 20; id < 23; id++)
        {
            await client.SendAsync(new { op = "subscribe", id, instrument, tf = $"{id - 19}m", history = 1 });
            Assert.Equal("snapshot", (await client.NextAsync()).GetProperty("type").GetString());
        }

        await ExpectAsync(() => Subscribe(new { op = "subscribe", id = 20, instrument, tf = "1m" }), "bad_request", "exists already");
        await ExpectAsync(() => Subscribe(new { op = "subscribe", id = 23, instrument, tf = "4m" }), "too_many_subscriptions", "at most 3");

        // Still open and answering.
        await client.SendAsync(new { op = "ping", id = "still-here" });
        var pong = await client.NextAsync();
        Assert.Equal(("pong", "still-here"), (pong.GetProperty("type").GetString(), pong.GetProperty("id").GetString()));
        Assert.Null(client.CloseStatus);
    }

    [Fact]
    public async Task OneFollowedFeedServesEveryClientOfAFeedAndEndsWithTheLast()
    {
        const string instrument = "TEST:WSFANOUT";
        await DefineAsync(server.Http, instrument);
        await IngestAsync(server.Http, instrument, [(1, T0, "100.00", "1.000", "buy")]);
        var grain = server.TimeframeGrain($"{instrument}|3m|UTC");
        var clients = new List<LiveClient>();
        for (var i = 0; i < 3; i++)
        {
            var client = await LiveClient.ConnectAsync(server.WebSocketAddress);
            await client.SendAsync(new { op = "subscribe", id = 1, instrument, tf = "3m", history = 2 });
            await client.NextOfTypeAsync("snapshot");
            clients.Add(client);
        }

        Assert.Equal(1, await grain.GetFollowerCount());
        await IngestAsync(server.Http, instrument, [(2, T0 + 1_000, "101.00", "1.000", "buy")]);
        foreach (var client in clients)
        {
            Assert.True(await client.UntilAsync(c => c.Bars["1"][T0].GetProperty("n").GetInt64() == 2, TimeSpan.FromSeconds(30)));
        }

        // One unsubscribes, the others leave by closing: the grain stops pushing to this process with the last.
        await clients[0].SendAsync(new { op = "unsubscribe", id = 1 });
        await clients[1].DisposeAsync();
        Assert.Equal(1, await grain.GetFollowerCount());
        await clients[2].DisposeAsync();
        Assert.True(await EventuallyAsync(async () => await grain.GetFollowerCount() == 0));
        await clients[0].DisposeAsync();
    }

    [Fact]
    public async Task AGapInTheGrainsSequenceIsAnsweredWithAFreshSnapshot()
    {
        const string instrument = "TEST:WSGAP";
        await DefineAsync(server.Http, instrument);
        await IngestAsync(server.Http, instrument, [(1, T0, "100.00", "1.000", "buy")]);
        await using var client = await LiveClient.ConnectAsync(server.WebSocketAddress);
        await client.SendAsync(new { op = "subscribe", id = 1, instrument, tf = "1m", history = 5 });
        await client.NextOfTypeAsync("snapshot");

        // Every idle activation goes; the timeframe grain comes back with a new sequence, as after a silo failure.
        var grains = server.Services.GetRequiredService<IClusterClient>();
        await grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        await IngestAsync(server.Http, instrument, [(2, T0 + 1_000, "101.00", "1.000", "sell")]);

        Assert.True(await client.UntilAsync(c => c.Snapshots >= 2 && c.Bars["1"][T0].GetProperty("n").GetInt64() == 2, TimeSpan.FromSeconds(60)), "no fresh snapshot after the gap");
        AssertContiguous(client, "1");
    }

    [Fact]
    public async Task AFeedTheGrainForgotWhileItPublishesIsFollowedAgainAndAnsweredWithASnapshot()
    {
        const string instrument = "TEST:WSLOST";
        await DefineAsync(server.Http, instrument);
        await IngestAsync(server.Http, instrument, [(1, T0, "100.00", "1.000", "buy")]);
        await using var client = await LiveClient.ConnectAsync(server.WebSocketAddress);
        await client.SendAsync(new { op = "subscribe", id = 1, instrument, tf = "2m", history = 5 });
        await client.NextOfTypeAsync("snapshot");

        // The timeframe grain goes with the gateway's registration (as with the silo that held it), then a trade comes.
        var grain = server.TimeframeGrain($"{instrument}|2m|UTC");
        await grain.Cast<Orleans.Core.Internal.IGrainManagementExtension>().DeactivateOnIdle();

        await IngestAsync(server.Http, instrument, [(2, T0 + 1_000, "101.00", "1.000", "sell")]);
        Assert.True(await client.UntilAsync(c => c.Snapshots >= 2 && c.Bars["1"][T0].GetProperty("n").GetInt64() == 2, TimeSpan.FromSeconds(60)), "no snapshot after the lost subscription");

        // And the grain pushes to it again.
        await IngestAsync(server.Http, instrument, [(3, T0 + 2_000, "102.00", "1.000", "sell")]);
        Assert.True(await client.UntilAsync(c => c.Bars["1"][T0].GetProperty("n").GetInt64() == 3, TimeSpan.FromSeconds(30)));
        Assert.Equal(1, await grain.GetFollowerCount());
        AssertContiguous(client, "1");
    }

    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && !await condition())
        {
            await Task.Delay(50);
        }

        return await condition();
    }
}
