using System.Text.Json;
using Candles.Testing;

namespace Candles.EndToEnd.Tests;

/// <summary>
/// The simulated feed when it is turned on in cluster mode, where the instrument outlives the process: killed and
/// started again, it goes on after the last trade the instrument holds, with trade ids above every id it gave before.
/// </summary>
public sealed class SimulatedFeedRestartTests : IDisposable
{
    private const string Instrument = "SIM:ETHUSD";
    private readonly RedisServer _redis = new();

    public void Dispose() => _redis.Dispose();

    /// <summary>Every 1m bar the service holds for the instrument.</summary>
    private static async Task<List<(long T, long N, long Rev)>> BarsAsync(HttpClient http)
    {
        using var response = await http.GetAsync($"api/v1/candles?instrument={Instrument}&tf=1m&from=0&limit=5000");
        if (!response.IsSuccessStatusCode)
        {
            return [];
        }

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. body.RootElement.GetProperty("candles").EnumerateArray()
            .Select(c => (c.GetProperty("t").GetInt64(), c.GetProperty("n").GetInt64(), c.GetProperty("rev").GetInt64()))];
    }

    [Fact]
    public async Task KilledAndStartedAgainTheSimulatedFeedGoesOnWithTradesThatCountAndCorrectsNothing()
    {
        using var service = new ServiceProcess(
            $"--Candles:Redis={_redis.ConnectionString}", $"--Candles:Silo:ClusterId=sim-{_redis.Port}",
            "--Candles:Silo:Simulator=true", "--Candles:Silo:SimulatorHistory=00:30:00");
        await service.StartAsync();
        using var http = service.CreateClient();

        // Half an hour of history, then some live trading, so the first process has given many ids.
        Assert.True(await Eventually.UntilAsync(async () => (await BarsAsync(http)).Count >= 30, TimeSpan.FromSeconds(60)), "the history was never written");
        await Task.Delay(TimeSpan.FromSeconds(15));
        var beforeKill = await BarsAsync(http);
        Assert.True(beforeKill.Count >= 30, $"{beforeKill.Count} bars read before the kill");
        service.Kill();
        await service.StartAsync();
        List<(long T, long N, long Rev)> held = [];
        Assert.True(await Eventually.UntilAsync(async () => (held = await BarsAsync(http)).Count >= beforeKill.Count, TimeSpan.FromSeconds(30)), "the bars were not served again");
        var tradesHeld = held.Sum(b => b.N);

        // The new process's trades are taken, at once: were its ids those the instrument holds, they would be dropped
        // as duplicates for as long as the first process ran.
        Assert.True(
            await Eventually.UntilAsync(async () => (await BarsAsync(http)).Sum(b => b.N) >= tradesHeld + 50, TimeSpan.FromSeconds(30)),
            $"the restarted feed's trades were not taken: {tradesHeld} trades held, {(await BarsAsync(http)).Sum(b => b.N)} ten seconds later");

        // Nothing was written behind the watermark: the bars read before the kill are as they were (the last one was
        // live and may have taken trades since), and no bar was ever corrected.
        var after = await BarsAsync(http);
        var now = after.ToDictionary(b => b.T);
        foreach (var bar in beforeKill.SkipLast(1))
        {
            Assert.Equal(bar, now[bar.T]);
        }

        Assert.All(after, b => Assert.Equal(0, b.Rev));
    }
}
