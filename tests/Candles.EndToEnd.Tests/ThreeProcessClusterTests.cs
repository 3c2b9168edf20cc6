using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Candles.Testing;

namespace Candles.EndToEnd.Tests;

/// <summary>Three separate <c>candles</c> processes with one redis-server form one cluster: any of them serves what another ingested.</summary>
public sealed class ThreeProcessClusterTests : IDisposable
{
    private readonly RedisServer _redis = new();
    private readonly List<Process> _processes = [];

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }

            process.Dispose();
        }

        _redis.Dispose();
    }

    private async Task<HttpClient> StartProcessAsync()
    {
        var http = LoopbackPorts.Free();
        var start = new ProcessStartInfo("dotnet",
        [
            Path.Combine(AppContext.BaseDirectory, "candles.dll"), "serve", "--urls", $"http://127.0.0.1:{http}",
            $"--Candles:Redis={_redis.ConnectionString}", $"--Candles:Silo:ClusterId=three-{_redis.Port}",
            $"--Candles:Silo:SiloPort={LoopbackPorts.Free()}", $"--Candles:Silo:GatewayPort={LoopbackPorts.Free()}", $"--Candles:Gateway:GrpcPort={LoopbackPorts.Free()}",
            $"--Candles:Ingest:ApiKey={RunningService.ApiKey}", "--Logging:LogLevel:Default=Warning",
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);

        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}/") };
        client.DefaultRequestHeaders.Add("X-Api-Key", RunningService.ApiKey);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                using var ready = await client.GetAsync("api/v1/instruments");
                if (ready.IsSuccessStatusCode)
                {
                    return client;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException($"a candles process did not start serving (exited: {process.HasExited})");
    }

    [Fact]
    public async Task WhatOneProcessIngestsTheOthersServe()
    {
        var clients = await Task.WhenAll(StartProcessAsync(), StartProcessAsync(), StartProcessAsync());

        // One membership table, three active silos: one cluster, not three that merely share storage.
        using (var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString))
        {
            var cluster = $"three-{_redis.Port}";
            var members = await redis.GetDatabase().HashGetAllAsync($"{cluster}/members/{cluster}");
            Assert.Equal(3, members.Count(m => m.Name.ToString().StartsWith('S') && m.Value.ToString().Contains("\"Status\":3", StringComparison.Ordinal)));
        }

        using var define = await clients[0].PutAsJsonAsync("api/v1/instruments/TEST:THREE", new { tickSize = "0.01", qtyStep = "0.001" });
        define.EnsureSuccessStatusCode();
        var t0 = DateTimeOffset.Parse("2026-03-01T10:00:00Z", CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
        var ticks = Enumerable.Range(0, 300).Select(i => new { id = (long)i + 1, t = t0 + (i * 1000L), p = (100 + (i % 7)).ToString("0.00", CultureInfo.InvariantCulture), q = "1.000", side = i % 2 == 0 ? "buy" : "sell" });
        using var ingest = await clients[1].PostAsJsonAsync("api/v1/ingest", new { instrument = "TEST:THREE", flush = true, ticks });
        ingest.EnsureSuccessStatusCode();

        var answers = await Task.WhenAll(clients.Select(c => c.GetStringAsync("api/v1/candles?instrument=TEST:THREE&tf=1m")));
        Assert.All(answers, answer => Assert.Equal(answers[0], answer));
        var candles = JsonDocument.Parse(answers[2]).RootElement.GetProperty("candles");
        Assert.Equal(5, candles.GetArrayLength());
        Assert.Equal(300, candles.EnumerateArray().Sum(c => c.GetProperty("n").GetInt32()));
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }

}
