using System.CommandLine;
using Candles.Host.Cli;
using Candles.Testing;

using static Candles.EndToEnd.Tests.ServiceCalls;

namespace Candles.EndToEnd.Tests;

/// <summary>WebSocket clients subscribed to 1m and 5m before the golden tape is replayed into the service.</summary>
public sealed class LiveGoldenReplay : IAsyncLifetime
{
    public const string Instrument = "BINANCE:BTCUSDT";

    public EmbeddedServer Server { get; } = new();

    public LiveClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Server.InitializeAsync();
        await DefineAsync(Server.Http, Instrument, GoldenFiles.TickSize, GoldenFiles.QuantityStep);
        Client = await LiveClient.ConnectAsync(Server.WebSocketAddress);
        await Client.SendAsync(new { op = "subscribe", id = "1m", instrument = Instrument, tf = "1m", history = 5000 });
        await Client.SendAsync(new { op = "subscribe", id = "5m", instrument = Instrument, tf = "5m", history = 5000 });
        Assert.True(await Client.UntilAsync(c => c.Snapshots == 2, TimeSpan.FromSeconds(20)), "no snapshots");

        var error = new StringWriter();
        var exit = await CandlesCommandLine.Create().Parse(
        [
            "replay", "--file", GoldenFiles.Tape, "--instrument", Instrument, "--tick-size", GoldenFiles.TickSize,
            "--qty-step", GoldenFiles.QuantityStep, "--url", Server.BaseAddress.ToString(), "--api-key", RunningService.ApiKey,
        ]).InvokeAsync(new InvocationConfiguration { Output = new StringWriter(), Error = error });
        Assert.True(exit == 0, $"replay failed ({exit}): {error}");
    }

    public async Task DisposeAsync()
    {
        await Client.DisposeAsync();
        await Server.DisposeAsync();
    }
}

public class LiveGoldenTests(LiveGoldenReplay replay) : IClassFixture<LiveGoldenReplay>
{
    [Theory]
    [InlineData("1m")]
    [InlineData("5m")]
    public async Task ASubscriberEndsWithExactlyTheOraclesBarsAllClosedWithContiguousSequences(string tf)
    {
        var fileName = $"candles_{tf}_UTC.csv";
        var expected = File.ReadAllLines(GoldenFiles.PathOf(fileName)).Select(line => string.Join(',', line.Split(',').Take(10))).ToList();
        var id = $"\"{tf}\"";
        var client = replay.Client;
        var last = long.Parse(expected[^1].Split(',')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(
            await client.UntilAsync(c => c.Bars.TryGetValue(id, out var bars) && bars.TryGetValue(last, out var bar) && bar.GetProperty("closed").GetBoolean(), TimeSpan.FromSeconds(60)),
            $"the last {tf} bar never arrived closed");

        var bars = client.Bars[id].Values.ToList();
        List<string> received = [expected[0], .. bars.Select(RestRows.Candle)];
        Assert.All(bars, b => Assert.True(b.GetProperty("closed").GetBoolean() && b.GetProperty("complete").GetBoolean()));
        var sequences = client.Sequences[id];
        Assert.Equal(Enumerable.Range(1, sequences.Count).Select(i => (long)i), sequences);

        // Both subscriptions got their bars from the live path alone: no resnapshot filled a hole.
        Assert.Equal(2, client.Snapshots);

        CsvAssert.Equal(expected, received, fileName);
    }
}
