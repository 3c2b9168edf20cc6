using System.Net.Http.Json;
using System.Text.Json;
using Candles.Testing;

namespace Candles.EndToEnd.Tests;

/// <summary>Cluster mode against a real redis-server: stop the service, start it again, and nothing is lost or doubled.</summary>
public sealed class ClusterRestartTests : IDisposable
{
    private const string Instrument = "TEST:RESTART";
    private readonly RedisServer _redis = new();

    public void Dispose() => _redis.Dispose();

    private async Task<RunningService> StartMemberAsync()
    {
        var member = new RunningService($"--Candles:Redis={_redis.ConnectionString}", $"--Candles:Silo:ClusterId=restart-{_redis.Port}");
        await member.InitializeAsync();
        member.Http.DefaultRequestHeaders.Add("X-Api-Key", RunningService.ApiKey);
        return member;
    }

    private static object Tick(long id, string iso, string price) =>
        new { id, t = DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(), p = price, q = "1.000", side = "buy" };

    private static async Task<string> CandlesAsync(RunningService service, string tf) =>
        (await service.Http.GetFromJsonAsync<JsonElement>($"api/v1/candles?instrument={Instrument}&tf={tf}")).GetProperty("candles").GetRawText();

    [Fact]
    public async Task HistoryAndTheLiveBarSurviveARestartAndReplayedTicksAreNotCountedTwice()
    {
        object[] ticks = [Tick(1, "2026-03-01T10:00:10Z", "100.00"), Tick(2, "2026-03-01T10:01:10Z", "101.00"), Tick(3, "2026-03-01T10:02:10Z", "102.00")];
        string minutes, hours;
        var first = await StartMemberAsync();
        try
        {
            using var define = await first.Http.PutAsJsonAsync($"api/v1/instruments/{Instrument}", new { tickSize = "0.01", qtyStep = "0.001" });
            define.EnsureSuccessStatusCode();
            using var ingest = await first.Http.PostAsJsonAsync("api/v1/ingest", new { instrument = Instrument, ticks });
            ingest.EnsureSuccessStatusCode();
            minutes = await CandlesAsync(first, "1m");
            hours = await CandlesAsync(first, "1h");
        }
        finally
        {
            await first.DisposeAsync();
        }

        var second = await StartMemberAsync();
        try
        {
            Assert.Equal(minutes, await CandlesAsync(second, "1m"));
            Assert.Equal(hours, await CandlesAsync(second, "1h"));
            Assert.Contains("\"closed\":false", minutes, StringComparison.Ordinal);

            using var again = await second.Http.PostAsJsonAsync("api/v1/ingest", new { instrument = Instrument, ticks });
            var report = await again.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal((0, 3), (report.GetProperty("applied").GetInt32(), report.GetProperty("duplicates").GetInt32()));
            Assert.Equal(minutes, await CandlesAsync(second, "1m"));
            var instruments = await second.Http.GetStringAsync("api/v1/instruments");
            Assert.Contains(Instrument, instruments, StringComparison.Ordinal);
        }
        finally
        {
            await second.DisposeAsync();
        }
    }
}
