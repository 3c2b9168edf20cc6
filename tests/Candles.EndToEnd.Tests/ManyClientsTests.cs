using System.Diagnostics;

using static Candles.EndToEnd.Tests.ServiceCalls;

namespace Candles.EndToEnd.Tests;

/// <summary>One gateway process with a thousand WebSocket clients on two feeds.</summary>
public class ManyClientsTests(EmbeddedServer server) : IClassFixture<EmbeddedServer>
{
    [Fact]
    public async Task AThousandClientsAllGetTheSnapshotAndEveryChange()
    {
        const string instrument = "TEST:WSMANY";
        const int count = 1000;
        var t0 = Ms("2026-07-01T00:00:00Z");
        await DefineAsync(server.Http, instrument);
        await IngestAsync(server.Http, instrument, [(1, t0, "100.00", "1.000", "buy")]);

        var clients = new LiveClient[count];
        for (var batch = 0; batch < count; batch += 100)
        {
            await Task.WhenAll(Enumerable.Range(batch, 100).Select(async i =>
            {
                clients[i] = await LiveClient.ConnectAsync(server.WebSocketAddress);
                await clients[i].SendAsync(new { op = "subscribe", id = 1, instrument, tf = i % 2 == 0 ? "1m" : "15m", history = 10 });
            }));
        }

        try
        {
            Assert.All(await Task.WhenAll(clients.Select(c => c.UntilAsync(x => x.Snapshots >= 1, TimeSpan.FromSeconds(60)))), Assert.True);
            var clock = Stopwatch.StartNew();
            await IngestAsync(server.Http, instrument, [(2, t0 + 1_000, "101.00", "2.000", "sell")]);
            var arrived = await Task.WhenAll(clients.Select(c => c.UntilAsync(x => x.Bars["1"].TryGetValue(t0, out var bar) && bar.GetProperty("n").GetInt64() == 2, TimeSpan.FromSeconds(60))));
            Assert.Equal(count, arrived.Count(a => a));
            Assert.All(clients, c => Assert.Equal("3.000", c.Bars["1"][t0].GetProperty("v").GetString()));
            Console.WriteLine($"{count} clients had the change {clock.ElapsedMilliseconds} ms after the ingest call began");
        }
        finally
        {
            await Task.WhenAll(clients.Where(c => c is not null).Select(c => c.DisposeAsync().AsTask()));
        }
    }
}
