using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Candles.Testing;
using static Candles.EndToEnd.Tests.ServiceCalls;

namespace Candles.EndToEnd.Tests;

/// <summary>
/// A silo-only process and a gateway-only process (an Orleans client) on a real Redis: every request and live
/// subscription goes through the gateway to grains in the other process; each serves only what its role serves.
/// </summary>
public sealed class RoleTests
{
    [Fact]
    public async Task AGatewayProcessServesRestAndLiveFromASiloInAnotherProcess()
    {
        using var redis = new RedisServer(appendOnly: true);
        var cluster = $"--Candles:Silo:ClusterId=roles-{redis.Port}";
        using var silo = new ServiceProcess($"--Candles:Redis={redis.ConnectionString}", cluster, "--Candles:Role=silo", "--Candles:Silo:Simulator=false");
        using var gateway = new ServiceProcess($"--Candles:Redis={redis.ConnectionString}", cluster, "--Candles:Role=gateway");
        await silo.StartAsync("readyz");
        await gateway.StartAsync("readyz");
        using var viaGateway = gateway.CreateClient();
        using var viaSilo = silo.CreateClient();

        const string instrument = "TEST:ROLES";
        await DefineAsync(viaGateway, instrument);
        var t0 = Ms("2026-04-01T10:00:00Z");
        await IngestAsync(viaGateway, instrument, [(1, t0, "100.00", "1.000", "buy"), (2, t0 + 61_000, "101.00", "2.000", "sell")]);
        var page = await viaGateway.GetFromJsonAsync<JsonElement>($"api/v1/candles?instrument={instrument}&tf=1m");
        Assert.Equal([1L, 1L], page.GetProperty("candles").EnumerateArray().Select(c => c.GetProperty("n").GetInt64()));

        await using var client = await LiveClient.ConnectAsync(new UriBuilder(gateway.BaseAddress) { Scheme = "ws", Path = "/ws" }.Uri);
        await client.SendAsync(new { op = "subscribe", id = 1, instrument, tf = "5m", history = 2 });
        await client.NextOfTypeAsync("snapshot");
        await IngestAsync(viaGateway, instrument, [(3, t0 + 62_000, "102.00", "1.000", "buy")]);
        Assert.True(await client.UntilAsync(c => c.Bars["1"][t0].GetProperty("n").GetInt64() == 3, TimeSpan.FromSeconds(20)), "no live update through the gateway");

        // Each process serves its own role only; both answer health.
        Assert.Equal(HttpStatusCode.NotFound, (await viaSilo.GetAsync($"api/v1/candles?instrument={instrument}&tf=1m")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await viaGateway.GetAsync("api/v1/feeds")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await viaSilo.GetAsync("api/v1/feeds")).StatusCode);
        using var readiness = JsonDocument.Parse(await viaGateway.GetStringAsync("readyz"));
        Assert.Equal("Healthy", readiness.RootElement.GetProperty("entries").GetProperty("cluster").GetProperty("status").GetString());
    }
}
