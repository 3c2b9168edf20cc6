using System.Diagnostics;
using Candles.Testing;
using Xunit.Abstractions;

namespace Candles.EndToEnd.Tests;

/// <summary>
/// Real faults in the middle of a replay of the golden tape, in cluster mode (a separate service process, a real
/// redis-server with AOF <c>everysec</c>, a real PostgreSQL): the process or Redis is killed with SIGKILL and
/// started again, the replay (which retries) carries on, the tape is sent again in full, and every bar equals the
/// golden files, also after the service restarts and restores from Redis.
/// </summary>
public sealed class FaultTests(ITestOutputHelper output) : IDisposable
{
    private const string Instrument = ReplayedGoldenService.Instrument;
    private readonly RedisServer _redis = new(appendOnly: true);
    private readonly PostgresServer _postgres = new();
    private readonly List<ServiceProcess> _services = [];

    public void Dispose()
    {
        _services.ForEach(s => s.Dispose());
        Npgsql.NpgsqlConnection.ClearAllPools();
        _postgres.Dispose();
        _redis.Dispose();
    }

    private ServiceProcess Service()
    {
        var service = new ServiceProcess(
            $"--Candles:Redis={_redis.ConnectionString}", $"--Candles:Postgres={_postgres.ConnectionString("candles_faults")}",
            $"--Candles:Silo:ClusterId=faults-{_redis.Port}", "--Candles:Seal:Zones:0=America/New_York");
        _services.Add(service);
        return service;
    }

    private static Task<(int Exit, string Output)> ReplayAsync(Uri url) => GoldenReplay.ReplayAsync(url);

    private static Task WaitForBarsAsync(HttpClient http, int bars) => GoldenReplay.WaitForBarsAsync(http, bars);

    /// <summary>Reads while the replay runs, timed from now; a read the survivor did not answer fails the test.</summary>
    private static async Task<List<(TimeSpan At, int Status)>> ReadWhileAsync(HttpClient http, Task replay)
    {
        var statuses = await GoldenReplay.ReadWhileAsync(http, replay, Stopwatch.StartNew());
        Assert.DoesNotContain(0, statuses.Select(s => s.Status));
        return statuses;
    }

    private static Task AssertGoldenAsync(HttpClient http, string when) => GoldenRest.AssertAllAsync(http, Instrument, when);

    [Fact]
    public async Task KillingTheServiceMidReplayLosesNothingAndCountsNothingTwice()
    {
        var service = Service();
        await service.StartAsync();
        using var http = service.CreateClient();
        var replay = ReplayAsync(service.BaseAddress);
        await WaitForBarsAsync(http, 1500);

        service.Kill();
        var back = await service.StartAsync();
        output.WriteLine($"serving again {back.TotalSeconds:F1} s after the restart");
        var (exit, replayed) = await replay;
        Assert.True(exit == 0, replayed);
        output.WriteLine(replayed);

        var (again, resent) = await ReplayAsync(service.BaseAddress);
        Assert.True(again == 0, resent);
        Assert.Contains("0 accepted", resent, StringComparison.Ordinal);
        await AssertGoldenAsync(http, "after the kill");

        service.Stop();
        await service.StartAsync();
        await AssertGoldenAsync(http, "after a restart");
    }

    [Fact]
    public async Task KillingOneOfTwoSilosMidReplayLosesNothingAndTheOtherServesThroughout()
    {
        var (survivor, victim) = (Service(), Service());
        await survivor.StartAsync();
        await victim.StartAsync();
        using var http = survivor.CreateClient();
        var replay = ReplayAsync(survivor.BaseAddress);
        await WaitForBarsAsync(http, 1500);

        // The instrument's grains may live on either silo: killing one moves them, and the other answers 503 meanwhile, never 500.
        victim.Kill();
        var statuses = await ReadWhileAsync(http, replay);
        var (exit, replayed) = await replay;
        Assert.True(exit == 0, replayed);
        var unavailable = statuses.Where(s => s.Status == 503).Select(s => s.At).DefaultIfEmpty().ToList();
        output.WriteLine(replayed);
        output.WriteLine($"reads during the failover: {string.Join(", ", statuses.GroupBy(s => s.Status).Select(g => $"{g.Count()} x {g.Key}"))}; 503 from {unavailable.Min().TotalSeconds:F1} s to {unavailable.Max().TotalSeconds:F1} s after the kill");
        var statusCodes = statuses.Select(s => s.Status).ToList();
        Assert.DoesNotContain(500, statusCodes);

        var (again, resent) = await ReplayAsync(survivor.BaseAddress);
        Assert.True(again == 0, resent);
        await WaitForBarsAsync(http, 5000);
        await AssertGoldenAsync(http, "after one of two silos was killed");
    }

    [Fact]
    public async Task StoppingOneOfTwoSilosWithSigtermMidReplayLosesNothingWithoutSendingTheTapeAgain()
    {
        var (survivor, leaving) = (Service(), Service());
        await survivor.StartAsync();
        await leaving.StartAsync();
        using var http = survivor.CreateClient();
        var replay = ReplayAsync(survivor.BaseAddress);
        await WaitForBarsAsync(http, 1500);

        // A rolling update's step: the silo is told to stop, finishes what it has, and leaves the cluster by itself.
        var reads = Task.Run(() => ReadWhileAsync(http, replay));
        var (exitCode, took) = leaving.Stop(TimeSpan.FromSeconds(60));
        Assert.True(exitCode == 0, $"the silo did not stop by itself within 60 s of SIGTERM (exit code {exitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none: killed"})");

        var (exit, replayed) = await replay;
        var statuses = await reads;
        Assert.True(exit == 0, replayed);
        var unavailable = statuses.Where(s => s.Status == 503).Select(s => s.At).ToList();
        output.WriteLine($"stopped in {took.TotalSeconds:F1} s; {replayed}");
        output.WriteLine($"reads meanwhile: {string.Join(", ", statuses.GroupBy(s => s.Status).Select(g => $"{g.Count()} x {g.Key}"))}"
            + (unavailable.Count == 0 ? string.Empty : $"; 503 from {unavailable.Min().TotalSeconds:F1} s to {unavailable.Max().TotalSeconds:F1} s"));
        Assert.DoesNotContain(500, statuses.Select(s => s.Status));

        // Nothing re-sent beyond the replay's own retries: a graceful stop loses nothing that was acknowledged.
        await WaitForBarsAsync(http, 5000);
        await AssertGoldenAsync(http, "after one of two silos stopped with SIGTERM");
    }

    [Fact]
    public async Task KillingRedisMidReplayLosesNothingOnceTheTapeIsSentAgainEvenAfterARestart()
    {
        var service = Service();
        await service.StartAsync();
        using var http = service.CreateClient();
        var replay = ReplayAsync(service.BaseAddress);
        await WaitForBarsAsync(http, 1500);

        _redis.Kill();
        var down = Stopwatch.StartNew();
        await Task.Delay(1000);
        _redis.Restart();
        output.WriteLine($"Redis down for {down.Elapsed.TotalSeconds:F1} s");
        var (exit, replayed) = await replay;
        Assert.True(exit == 0, replayed);
        output.WriteLine(replayed);

        var (again, resent) = await ReplayAsync(service.BaseAddress);
        Assert.True(again == 0, resent);
        output.WriteLine(resent);
        await AssertGoldenAsync(http, "after Redis came back");

        // The service restarts from Redis alone: what it holds must be whole, not only what the grain held.
        service.Kill();
        await service.StartAsync();
        await AssertGoldenAsync(http, "after the service restored from Redis");
    }

    [Fact]
    public async Task StoppingPostgreSqlWhileDaysSealIsA503AndTheSealsCompleteWhenItReturns()
    {
        var service = Service();
        await service.StartAsync();
        using var http = service.CreateClient();
        var replay = ReplayAsync(service.BaseAddress);
        await WaitForBarsAsync(http, 1500);

        _postgres.Stop();
        var down = Stopwatch.StartNew();
        var (exit, replayed) = await replay;
        Assert.True(exit == 0, replayed);

        // Sealed days cannot be read: days the 1m history covers whole are served from it; a request reaching
        // further back (500 days before the last) is a retryable 503, never a 500.
        using (var daily = await http.GetAsync($"api/v1/candles?instrument={Instrument}&tf=1d"))
        {
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, daily.StatusCode);
            Assert.True(daily.Headers.RetryAfter is not null, "a 503 without Retry-After");
        }

        var goldenDays = File.ReadAllLines(GoldenFiles.PathOf("candles_1d_UTC.csv")).ToList();
        var firstDay = goldenDays[1].Split(',')[0];
        var fromHistory = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync($"api/v1/candles?instrument={Instrument}&tf=1d&from={firstDay}")).RootElement;
        CsvAssert.Equal(
            [.. goldenDays.Skip(1).Select(line => string.Join(',', line.Split(',').Take(10)))],
            [.. fromHistory.GetProperty("candles").EnumerateArray().Select(RestRows.Candle)],
            "1d from the 1m history while PostgreSQL is down");

        using (var minutes = await http.GetAsync($"api/v1/candles?instrument={Instrument}&tf=1m"))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, minutes.StatusCode);
        }

        _postgres.Start();
        output.WriteLine($"PostgreSQL down for {down.Elapsed.TotalSeconds:F1} s");

        // The sealers retry on their one-minute reminder: within a few minutes every sealed series equals the golden files.
        var back = Stopwatch.StartNew();
        string? last = null;
        while (back.Elapsed < TimeSpan.FromMinutes(4))
        {
            try
            {
                await AssertGoldenAsync(http, "after PostgreSQL returned");

                // REST fills a day PostgreSQL lacks from the 1m history, so the seals themselves are read from PostgreSQL.
                foreach (var zone in new[] { "UTC", "America/New_York" })
                {
                    CsvAssert.Equal(
                        GoldenSeals.Expected("1d", zone, GoldenSeals.TapeEndMs),
                        await GoldenSeals.StoredAsync(_postgres.ConnectionString("candles_faults"), Instrument, "1d", zone),
                        $"sealed 1d {zone} in PostgreSQL after it returned");
                }

                output.WriteLine($"sealed and equal {back.Elapsed.TotalSeconds:F1} s after PostgreSQL returned");
                return;
            }
            catch (Exception ex) when (ex is Xunit.Sdk.XunitException or HttpRequestException or Npgsql.NpgsqlException)
            {
                last = ex.Message;
                await Task.Delay(2000);
            }
        }

        Assert.Fail($"the seals did not complete within 4 minutes of PostgreSQL's return: {last}");
    }
}
