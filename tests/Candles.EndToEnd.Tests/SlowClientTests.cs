using System.Net.Sockets;
using System.Net.WebSockets;

using static Candles.EndToEnd.Tests.ServiceCalls;

namespace Candles.EndToEnd.Tests;

/// <summary>A client that never reads again is cut off and its feed ends; the tiny-window socket the slow-client tests use.</summary>
public class SlowClientTests(TightGateway server) : IClassFixture<TightGateway>
{
    /// <summary>A client socket with a tiny receive window, so what it does not read piles up on the server.</summary>
    internal static HttpMessageInvoker TinyWindow() => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, cancellation) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = 4096 };
            await socket.ConnectAsync(context.DnsEndPoint, cancellation);
            return new NetworkStream(socket, ownsSocket: true);
        },
    });

    [Fact]
    public async Task AClientThatNeverReadsAgainIsCutOffAndItsFeedEnds()
    {
        const string instrument = "TEST:WSDEAF";
        await DefineAsync(server.Http, instrument);
        using var invoker = TinyWindow();
        var deaf = await LiveClient.ConnectAsync(server.WebSocketAddress, invoker, read: false);
        await deaf.SendAsync(new { op = "subscribe", id = 1, instrument, tf = "1m", history = 1, footprint = true });
        var grain = server.TimeframeGrain($"{instrument}|1m|UTC");
        var followed = DateTime.UtcNow.AddSeconds(20);
        while (await grain.GetFollowerCount() == 0 && DateTime.UtcNow < followed)
        {
            await Task.Delay(50);
        }

        Assert.Equal(1, await grain.GetFollowerCount());
        var start = Ms("2026-06-10T00:00:00Z");
        var ticks = Enumerable.Range(0, 1000).SelectMany(m => Enumerable.Range(0, 120).Select(i =>
            ((long)(m * 120) + i + 1, start + (m * 60_000L) + i, $"{100 + i}.00", "1.000", i % 2 == 0 ? "buy" : "sell"))).ToList();
        foreach (var batch in ticks.Chunk(12_000))
        {
            await IngestAsync(server.Http, instrument, batch, flush: batch[^1] == ticks[^1]);
        }

        // Cut off as too slow, it cannot even take the close: after the grace its connection is aborted, and with it
        // the feed's only subscription, so the grain stops pushing to this process.
        // Well within the grain's observer lease (a minute), so the lease lapsing cannot pass for the feed ending.
        var deadline = DateTime.UtcNow.AddSeconds(40);
        while (await grain.GetFollowerCount() > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Equal(0, await grain.GetFollowerCount());
        await deaf.DisposeAsync();
    }
}

/// <summary>A client that stops reading is cut off with a reason; a client beside it on the same feed gets everything.</summary>
public class SlowReaderTests(PatientGateway server) : IClassFixture<PatientGateway>
{
    [Fact]
    public async Task AClientThatStopsReadingIsClosedWithAReasonWhileTheOtherGetsEveryBar()
    {
        const string instrument = "TEST:WSSLOW";
        const int minutes = 3000;
        await DefineAsync(server.Http, instrument);
        using var invoker = SlowClientTests.TinyWindow();
        await using var slow = await LiveClient.ConnectAsync(server.WebSocketAddress, invoker, read: false);
        await using var fast = await LiveClient.ConnectAsync(server.WebSocketAddress);
        await slow.SendAsync(new { op = "subscribe", id = 1, instrument, tf = "1m", history = 1, footprint = true });
        await fast.SendAsync(new { op = "subscribe", id = 1, instrument, tf = "1m", history = 5000 });
        await fast.NextOfTypeAsync("snapshot");

        // Both feeds (footprint and plain) follow the timeframe grain before the ticks come: a feed that followed after
        // the last batch would have nothing to send the slow client, which could then never fall behind.
        var grain = server.TimeframeGrain($"{instrument}|1m|UTC");
        var followed = DateTime.UtcNow.AddSeconds(20);
        while (await grain.GetFollowerCount() < 2 && DateTime.UtcNow < followed)
        {
            await Task.Delay(50);
        }

        Assert.Equal(2, await grain.GetFollowerCount());

        // 3,000 minutes of 120 price levels each: every close is a footprint bar of several kilobytes for the slow client.
        // Batches of 100 minutes: each is a burst of 100 closes, which a client that reads takes well within the 500 allowed.
        var start = Ms("2026-06-01T00:00:00Z");
        var ticks = Enumerable.Range(0, minutes).SelectMany(m => Enumerable.Range(0, 120).Select(i =>
            ((long)(m * 120) + i + 1, start + (m * 60_000L) + i, $"{100 + i}.00", "1.000", i % 2 == 0 ? "buy" : "sell"))).ToList();
        foreach (var batch in ticks.Chunk(12_000))
        {
            await IngestAsync(server.Http, instrument, batch, flush: batch[^1] == ticks[^1]);
        }

        var last = start + ((minutes - 1) * 60_000L);
        Assert.True(
            await fast.UntilAsync(c => c.Bars["1"].Count == minutes && c.Bars["1"][last].GetProperty("closed").GetBoolean(), TimeSpan.FromSeconds(60)),
            $"the fast client has {fast.Bars["1"].Count} of {minutes} bars, {fast.Messages.Count} messages, {fast.Snapshots} snapshots, closed {fast.CloseStatus} {fast.CloseReason}");
        Assert.All(fast.Bars["1"].Values, b => Assert.Equal(120, b.GetProperty("n").GetInt64()));

        slow.StartReading();
        Assert.True(await slow.ClosedByServerAsync(TimeSpan.FromSeconds(60)), $"the slow client was never closed; it has {slow.Bars.GetValueOrDefault("1")?.Count} bars, {slow.Snapshots} snapshots");
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, slow.CloseStatus);
        Assert.Contains("too slow", slow.CloseReason);
        Assert.True(slow.Bars.GetValueOrDefault("1")?.Count < minutes, "the slow client got every bar, so it was never behind");
    }
}
