using Candles.Gateway.Grpc.V1;
using Grpc.Core;
using Grpc.Net.Client;

using static Candles.EndToEnd.Tests.ServiceCalls;

namespace Candles.EndToEnd.Tests;

/// <summary>The tight gateway answering at most 6 footprint levels at once.</summary>
public sealed class SmallAnswersGateway() : RunningService([.. TightGateway.Settings, "--Candles:Gateway:MaxLevelsPerResponse=6"]);

/// <summary>
/// What a snapshot holds (DESIGN §3): <c>history</c> closed bars plus the live bar. A footprint snapshot over the
/// level limit is refused with the reason, as the same read over REST is, and the connection goes on.
/// </summary>
public class SnapshotSizeTests(SmallAnswersGateway server) : IClassFixture<SmallAnswersGateway>
{
    private static readonly long T0 = Ms("2026-05-04T10:00:00Z");

    /// <summary>Minutes 0-3 closed and minute 4 live, each with trades at two prices: two footprint levels a bar at 0.01.</summary>
    private async Task FiveMinutesAsync(string instrument)
    {
        await DefineAsync(server.Http, instrument);
        var ticks = Enumerable.Range(0, 5).SelectMany(m => new[]
        {
            ((long)(m * 2) + 1, T0 + (m * 60_000) + 1_000, "100.00", "1.000", "buy"),
            ((long)(m * 2) + 2, T0 + (m * 60_000) + 2_000, "100.01", "1.000", "sell"),
        });
        await IngestAsync(server.Http, instrument, ticks);
    }

    private static List<(long T, bool Closed)> Bars(System.Text.Json.JsonElement snapshot) =>
        [.. snapshot.GetProperty("candles").EnumerateArray().Select(b => (b.GetProperty("t").GetInt64(), b.GetProperty("closed").GetBoolean()))];

    [Fact]
    public async Task ASnapshotHoldsTheHistoryAskedForPlusTheLiveBar()
    {
        const string instrument = "TEST:SNAPCOUNT";
        await FiveMinutesAsync(instrument);
        await using var client = await LiveClient.ConnectAsync(server.WebSocketAddress);

        await client.SendAsync(new { op = "subscribe", id = 1, instrument, tf = "1m", history = 2 });
        var snapshot = await client.NextOfTypeAsync("snapshot");
        Assert.Equal([(T0 + 120_000, true), (T0 + 180_000, true), (T0 + 240_000, false)], Bars(snapshot));

        await client.SendAsync(new { op = "subscribe", id = 2, instrument, tf = "1m", history = 0 });
        Assert.Equal([(T0 + 240_000, false)], Bars(await client.NextOfTypeAsync("snapshot")));
    }

    [Fact]
    public async Task AFootprintSnapshotOverTheLevelLimitIsRefusedAndTheConnectionGoesOn()
    {
        const string instrument = "TEST:SNAPSIZE";
        await FiveMinutesAsync(instrument);
        await using var client = await LiveClient.ConnectAsync(server.WebSocketAddress);

        // 3 closed bars and the live one: 8 levels, over 6.
        await client.SendAsync(new { op = "subscribe", id = "fp", instrument, tf = "1m", history = 3, footprint = true, step = "0.01" });
        var error = await client.NextOfTypeAsync("error");
        Assert.Equal(("\"fp\"", "bad_request"), (error.GetProperty("id").GetRawText(), error.GetProperty("code").GetString()));
        Assert.Contains("8 price levels, more than 6", error.GetProperty("message").GetString());

        // Refusals do not use up the connection's subscriptions (3 here): a client that never unsubscribes them still subscribes.
        foreach (var id in new[] { "r1", "r2", "r3" })
        {
            await client.SendAsync(new { op = "subscribe", id, instrument, tf = "1m", history = 3, footprint = true, step = "0.01" });
            Assert.Equal("bad_request", (await client.NextOfTypeAsync("error")).GetProperty("code").GetString());
        }

        // The same id again, asking less: 1 closed bar and the live one, 4 levels.
        await client.SendAsync(new { op = "subscribe", id = "fp", instrument, tf = "1m", history = 1, footprint = true, step = "0.01" });
        var snapshot = await client.NextOfTypeAsync("snapshot");
        Assert.Equal([(T0 + 180_000, true), (T0 + 240_000, false)], Bars(snapshot));
        Assert.All(snapshot.GetProperty("candles").EnumerateArray(), b => Assert.Equal(2, b.GetProperty("levels").GetArrayLength()));

        // Live updates reach the new subscription.
        await IngestAsync(server.Http, instrument, [(11, T0 + 250_000, "100.01", "1.000", "buy")]);
        Assert.True(await client.UntilAsync(c => c.Bars["\"fp\""][T0 + 240_000].GetProperty("n").GetInt64() == 3, TimeSpan.FromSeconds(30)), "no live update");
    }

    [Fact]
    public async Task AGrpcSubscriptionOverTheLevelLimitEndsWithTheReason()
    {
        const string instrument = "TEST:SNAPSIZEGRPC";
        await FiveMinutesAsync(instrument);
        using var channel = GrpcChannel.ForAddress(server.GrpcAddress);
        var client = new CandleService.CandleServiceClient(channel);
        using var call = client.Subscribe(new SubscribeRequest { Instrument = instrument, Tf = "1m", History = 3, Footprint = true, Step = "0.01" });
        var refused = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.StartsWith("bad_request: the answer would carry 8 price levels", refused.Status.Detail);
    }
}
