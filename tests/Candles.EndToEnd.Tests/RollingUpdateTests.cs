using System.Diagnostics;
using System.Globalization;
using Candles.Testing;
using Xunit.Abstractions;

namespace Candles.EndToEnd.Tests;

/// <summary>
/// A rolling update as Kubernetes does one (DESIGN §4): three silo processes and one gateway process on a real Redis
/// (AOF) and a real PostgreSQL. While the golden tape is replayed through the gateway and WebSocket clients watch 1m
/// and 5m, each silo in turn gets SIGTERM, stops by itself and is started again. Afterwards every bar equals the golden
/// files (no tick lost or counted twice, without sending the tape again), and the clients hold exactly what REST serves,
/// with contiguous sequences: whatever the gateway missed while grains moved, it answered with a new snapshot.
/// </summary>
[Collection(nameof(AloneOnTheMachine))]
public sealed class RollingUpdateTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Instrument = ReplayedGoldenService.Instrument;
    private static readonly string[] Timeframes = ["1m", "5m"];
    private readonly RedisServer _redis = new(appendOnly: true);
    private readonly PostgresServer _postgres = new();
    private readonly List<ServiceProcess> _services = [];
    private readonly List<LiveClient> _clients = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        _services.ForEach(s => s.Dispose());
        Npgsql.NpgsqlConnection.ClearAllPools();
        _postgres.Dispose();
        _redis.Dispose();
    }

    private ServiceProcess Service(string role)
    {
        var service = new ServiceProcess(
            $"--Candles:Redis={_redis.ConnectionString}", $"--Candles:Postgres={_postgres.ConnectionString("candles_rolling")}",
            $"--Candles:Silo:ClusterId=rolling-{_redis.Port}", "--Candles:Seal:Zones:0=America/New_York", $"--Candles:Role={role}",
            "--Candles:Silo:Simulator=false");
        _services.Add(service);
        return service;
    }

    [Fact]
    public async Task ReplacingEachSiloWithSigtermWhileATapeIsReplayedLosesNothingAndKeepsLiveClientsExact()
    {
        var silos = new[] { Service("silo"), Service("silo"), Service("silo") };
        foreach (var silo in silos)
        {
            await silo.StartAsync("readyz");
        }

        var gateway = Service("gateway");
        await gateway.StartAsync("readyz");
        using var http = gateway.CreateClient();
        await ServiceCalls.DefineAsync(http, Instrument, GoldenFiles.TickSize, GoldenFiles.QuantityStep);

        var webSocket = new UriBuilder(gateway.BaseAddress) { Scheme = "ws", Path = "/ws" }.Uri;
        for (var i = 0; i < 2; i++)
        {
            var client = await LiveClient.ConnectAsync(webSocket);
            _clients.Add(client);
            foreach (var tf in Timeframes)
            {
                await client.SendAsync(new { op = "subscribe", id = tf, instrument = Instrument, tf, history = 5000 });
            }

            Assert.True(await client.UntilAsync(c => c.Snapshots == Timeframes.Length, TimeSpan.FromSeconds(30)), "no snapshots");
        }

        // Paced so that the replay outlasts the three steps, even on a busy machine: about 67 s for the tape.
        var clock = Stopwatch.StartNew();
        var replay = GoldenReplay.ReplayAsync(gateway.BaseAddress, "--rate", "7000");
        var replayEnded = replay.ContinueWith(_ => clock.Elapsed, TaskScheduler.Default);
        await GoldenReplay.WaitForBarsAsync(http, 500);
        var reads = Task.Run(() => GoldenReplay.ReadWhileAsync(http, replay, clock));

        var steps = new List<(TimeSpan At, TimeSpan Stopped, TimeSpan Back)>();
        foreach (var silo in silos)
        {
            var at = clock.Elapsed;
            var (exitCode, stopped) = silo.Stop(TimeSpan.FromSeconds(60));
            Assert.True(exitCode == 0, $"a silo did not stop by itself within 60 s of SIGTERM (exit code {exitCode?.ToString(CultureInfo.InvariantCulture) ?? "none: killed"})");
            var back = await silo.StartAsync("readyz");
            steps.Add((at, stopped, back));
        }

        var (exit, replayed) = await replay;
        var statuses = await reads;
        Assert.True(exit == 0, replayed);
        output.WriteLine(replayed);
        Assert.True(await replayEnded > steps[^1].At + steps[^1].Stopped, "the replay ended before the last silo stopped: pace it slower");

        for (var i = 0; i < steps.Count; i++)
        {
            var (from, to) = (steps[i].At, i + 1 < steps.Count ? steps[i + 1].At : TimeSpan.MaxValue);
            var during = statuses.Where(s => s.At >= from && s.At < to).ToList();
            var failed = during.Where(s => s.Status != 200).Select(s => s.At).ToList();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"step {i + 1}: SIGTERM at {from.TotalSeconds:F1} s, stopped in {steps[i].Stopped.TotalSeconds:F1} s, ready again {steps[i].Back.TotalSeconds:F1} s later; reads {string.Join(", ", during.GroupBy(s => s.Status).Select(g => $"{g.Count()} x {g.Key}"))}")
                + (failed.Count == 0 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $", not 200 from {(failed.Min() - from).TotalSeconds:F1} s to {(failed.Max() - from).TotalSeconds:F1} s into the step")));
        }

        // Unavailable is a retryable 503 at worst: never a 500, never a refused connection at the gateway.
        Assert.All(statuses, s => Assert.True(s.Status is 200 or 503, $"{s.Status} at {s.At.TotalSeconds:F1} s"));

        await GoldenRest.AssertAllAsync(http, Instrument, "after a rolling update of three silos");
        foreach (var tf in Timeframes)
        {
            await AssertClientsHoldRestBarsAsync(http, tf);
        }

        output.WriteLine($"snapshots per client (two subscriptions each): {string.Join(", ", _clients.Select(c => c.Snapshots))}");

        // The gateway's own turn: SIGTERM closes every client with a reason that sends it elsewhere, then the process exits.
        var (gatewayExit, gatewayStopped) = gateway.Stop(TimeSpan.FromSeconds(30));
        Assert.True(gatewayExit == 0, "the gateway did not stop by itself within 30 s of SIGTERM");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"gateway stopped in {gatewayStopped.TotalSeconds:F1} s"));
        foreach (var client in _clients)
        {
            Assert.True(await client.ClosedByServerAsync(TimeSpan.FromSeconds(30)), "a client was not closed by the gateway");
            Assert.Equal(System.Net.WebSockets.WebSocketCloseStatus.EndpointUnavailable, client.CloseStatus);
            Assert.Contains("reconnect", client.CloseReason, StringComparison.Ordinal);
        }
    }

    /// <summary>Each client's bars of <paramref name="tf"/> equal REST's, all closed, under sequences 1, 2, 3, … without a hole.</summary>
    private async Task AssertClientsHoldRestBarsAsync(HttpClient http, string tf)
    {
        var golden = GoldenCase.Parse($"candles_{tf}_UTC.csv");
        var header = File.ReadLines(GoldenFiles.PathOf(golden.FileName)).First();
        var rest = await GoldenRest.ServedAsync(http, Instrument, golden, string.Join(',', header.Split(',').Take(10)));
        var last = long.Parse(rest[^1].Split(',')[0], CultureInfo.InvariantCulture);
        var id = $"\"{tf}\"";
        foreach (var client in _clients)
        {
            Assert.True(
                await client.UntilAsync(c => c.Bars.TryGetValue(id, out var bars) && bars.TryGetValue(last, out var bar) && bar.GetProperty("closed").GetBoolean(), TimeSpan.FromSeconds(60)),
                $"the last {tf} bar never reached a client closed");
            var bars = client.Bars[id].Values.ToList();
            CsvAssert.Equal(rest, [rest[0], .. bars.Select(RestRows.Candle)], $"{tf} on a WebSocket client after the rolling update");
            Assert.All(bars, b => Assert.True(b.GetProperty("closed").GetBoolean() && b.GetProperty("complete").GetBoolean()));
            var sequences = client.Sequences[id];
            Assert.Equal(Enumerable.Range(1, sequences.Count).Select(i => (long)i), sequences);
        }
    }
}
