using System.Net.Http.Json;
using System.Text.Json;
using Candles.Testing;
using Candles.Testing.FakeVenues;
using Xunit.Abstractions;

using static Candles.EndToEnd.Tests.Eventually;

namespace Candles.EndToEnd.Tests;

/// <summary>
/// Feed connectors in a cluster of two <c>candles</c> processes (a real redis-server): a process killed with
/// SIGKILL while its connectors run. With A/B feeds the other replica carries on; with one feed it resumes on the
/// surviving process and fetches what it missed over REST. Either way the bars equal the golden files: nothing
/// lost, nothing counted twice.
/// </summary>
[Collection(nameof(AloneOnTheMachine))]
public sealed class FeedFailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Instrument = "BINANCE:BTCUSDT";
    private readonly RedisServer _redis = new(appendOnly: true);
    private readonly FakeBinance _venue = new();
    private readonly List<ServiceProcess> _services = [];
    private List<FakeTrade> _tape = [];

    public async Task InitializeAsync()
    {
        _venue.Listed["BTCUSDT"] = ("0.01000000", "0.00001000");
        await _venue.StartAsync();
        _tape = FakeTrade.FromBinanceCsv(GoldenFiles.Tape, "BTCUSDT");
    }

    public async Task DisposeAsync()
    {
        _services.ForEach(s => s.Dispose());
        await _venue.DisposeAsync();
        _redis.Dispose();
    }

    private ServiceProcess Service(int redundancy)
    {
        var service = new ServiceProcess(
            $"--Candles:Redis={_redis.ConnectionString}", $"--Candles:Silo:ClusterId=feeds-{_redis.Port}",
            "--feed", "binance", "--instruments", "BTCUSDT", "--feed-redundancy", redundancy.ToString(System.Globalization.CultureInfo.InvariantCulture),
            $"--Candles:Feeds:Binance:WebSocketUrl={_venue.WebSocketUrl}", $"--Candles:Feeds:Binance:RestUrl={_venue.RestUrl}",
            "--Candles:Feeds:CheckPeriod=00:00:00.5", "--Logging:LogLevel:Candles=Information",

            // The outage here spans a third of the tape and the killed connector's backlog (over 155,000 trades): more than
            // the default cap of one backfill, past which trades are given up and marked incomplete by design.
            "--Candles:Feeds:Binance:MaxBackfillTrades=1000000",

            // The fake venue has no rate limit to keep to: at Binance's 3 requests a second, a connector started again
            // after the kill would take minutes to page through that backlog on a busy machine.
            "--Candles:Feeds:Binance:RestRequestsPerSecond=100", "--Candles:Feeds:Binance:RestBurst=100");
        _services.Add(service);
        return service;
    }

    [Fact]
    public async Task WithTwoFeedsKillingTheProcessOfOneLosesNothingAndCountsNothingTwice()
    {
        var (first, second) = (Service(2), Service(2));
        await Task.WhenAll(first.StartAsync(), second.StartAsync());
        using var http = first.CreateClient();

        // A and B on different processes (a replica placed while its silo was alone moves once the cluster has two).
        var silos = new Dictionary<string, string>();
        Assert.True(await UntilAsync(async () => (silos = await SilosAsync(http)).Values.Distinct().Count() == 2, TimeSpan.FromSeconds(150)), $"A and B never ran apart: {string.Join(", ", silos)}");
        Assert.True(await UntilAsync(() => Task.FromResult(_venue.Subscribed == 2), TimeSpan.FromSeconds(30)), $"{_venue.Subscribed} feeds subscribed, not 2");

        var third = _tape.Count / 3;
        await _venue.PublishAsync(_tape.Take(third));
        var (victim, survivor) = silos["binance/0/A"].Contains($":{first.SiloPort}:", StringComparison.Ordinal) ? (first, second) : (second, first);
        victim.Kill();
        await _venue.PublishAsync(_tape.Skip(third));

        using var surviving = survivor.CreateClient();
        await AssertGoldenAsync(surviving);
    }

    [Fact]
    public async Task WithOneFeedItsConnectorResumesOnTheSurvivingProcessAndFetchesWhatItMissed()
    {
        var (first, second) = (Service(1), Service(1));
        await Task.WhenAll(first.StartAsync(), second.StartAsync());
        using var http = first.CreateClient();
        Assert.True(await UntilAsync(() => Task.FromResult(_venue.Subscribed == 1), TimeSpan.FromSeconds(60)), "the feed never subscribed");

        var third = _tape.Count / 3;
        await _venue.PublishAsync(_tape.Take(third));
        var silos = await SilosAsync(http);
        var (victim, survivor) = silos["binance/0/A"].Contains($":{first.SiloPort}:", StringComparison.Ordinal) ? (first, second) : (second, first);
        victim.Kill();
        var connections = _venue.Connections;

        // Trades go on while no connector runs: only REST can give them back.
        await _venue.PublishAsync(_tape.Skip(third).Take(third));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.True(await UntilAsync(() => Task.FromResult(_venue.Connections > connections && _venue.Subscribed == 1), TimeSpan.FromSeconds(120)), "the feed never came back");
        output.WriteLine($"the connector was back {clock.Elapsed.TotalSeconds:F1} s after the kill");
        await _venue.PublishAsync(_tape.Skip(2 * third));

        using var surviving = survivor.CreateClient();
        await AssertGoldenAsync(surviving);
        Assert.True(_venue.RestCalls.GetValueOrDefault("/api/v3/historicalTrades") >= third / 1000, "the missed trades did not come over REST");
    }

    /// <summary>Connector key → the silo running it, from <c>/api/v1/feeds</c>.</summary>
    private static async Task<Dictionary<string, string>> SilosAsync(HttpClient http)
    {
        try
        {
            var feeds = await http.GetFromJsonAsync<JsonElement>("api/v1/feeds");
            return feeds.EnumerateArray().Where(f => f.GetProperty("running").GetBoolean())
                .ToDictionary(f => f.GetProperty("key").GetString()!, f => f.GetProperty("status").GetProperty("silo").GetString()!);
        }
        catch (HttpRequestException)
        {
            return [];
        }
    }

    /// <summary>Waits for the last 1m bar to hold all its trades, then compares the golden candle files and a footprint.</summary>
    private async Task AssertGoldenAsync(HttpClient http)
    {
        var oneMinute = File.ReadAllLines(GoldenFiles.PathOf("candles_1m_UTC.csv")).Select(line => string.Join(',', line.Split(',').Take(10))).ToList();
        var golden = GoldenCase.Parse("candles_1m_UTC.csv");
        var deadline = DateTime.UtcNow.AddMinutes(4);
        List<string> served = [];
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                served = await RestRows.ServedAsync(http, Instrument, golden, oneMinute[0]);
                if (CsvAssert.Same(oneMinute, served))
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
                // 503 while the cluster moves the instrument.
            }

            await Task.Delay(1000);
        }

        Assert.True(CsvAssert.Same(oneMinute, served), await WhereTheyDifferAsync(oneMinute, served));
        foreach (var fileName in new[] { "candles_15m_UTC.csv", "candles_1h_UTC.csv", "candles_1d_UTC.csv", "candles_1w_UTC.csv", "footprint_15m_UTC_1.00.csv" })
        {
            var expected = File.ReadAllLines(GoldenFiles.PathOf(fileName)).ToList();
            var kind = GoldenCase.Parse(fileName);
            if (kind.Kind == "candles")
            {
                expected = [.. expected.Select(line => string.Join(',', line.Split(',').Take(10)))];
            }

            CsvAssert.Equal(expected, await ServedAfterTheMoveAsync(http, kind, expected[0], deadline), fileName);
        }

        // Complete but for the first hour, which holds the first trade the instrument had: the trades before it were not
        // followed. Its mark is in the instrument's state, which the survivor read back when the instrument moved.
        var candles = (await http.GetFromJsonAsync<JsonElement>($"api/v1/candles?instrument={Instrument}&tf=1h&from=0&limit=5000")).GetProperty("candles").EnumerateArray().ToList();
        Assert.False(candles[0].GetProperty("complete").GetBoolean(), candles[0].ToString());
        Assert.All(candles.Skip(1), c => Assert.True(c.GetProperty("complete").GetBoolean(), c.ToString()));
    }

    /// <summary>
    /// The rows served for a golden file; a 503 is asked again until the deadline: a grain of the dead process (a
    /// timeframe's, a sealer's) is activated anew on the survivor only once the cluster has declared the process dead.
    /// </summary>
    private static async Task<List<string>> ServedAfterTheMoveAsync(HttpClient http, GoldenCase kind, string header, DateTime deadline)
    {
        while (true)
        {
            try
            {
                return await RestRows.ServedAsync(http, Instrument, kind, header);
            }
            catch (HttpRequestException e) when (e.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable && DateTime.UtcNow < deadline)
            {
                await Task.Delay(1000);
            }
        }
    }

    /// <summary>The first 1m bar served wrong, with the trade ids the tape has in it and what Redis holds: bar and applied ids.</summary>
    private async Task<string> WhereTheyDifferAsync(List<string> expected, List<string> served)
    {
        var row = Enumerable.Range(1, Math.Min(expected.Count, served.Count) - 1).FirstOrDefault(i => !CsvAssert.RowsEqual(expected[i], served[i]));
        if (row == 0)
        {
            return $"{expected.Count - 1} 1m bars expected, {served.Count - 1} served";
        }

        var openMs = long.Parse(expected[row].Split(',')[0], System.Globalization.CultureInfo.InvariantCulture);
        var ids = _tape.Where(t => t.TimeUs / 60_000_000 * 60_000 == openMs).Select(t => t.Id).ToList();
        using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);
        var store = new Candles.Storage.Redis.RedisMinuteBarStore(redis, new Candles.Storage.Redis.Options.RedisMinuteBarStoreOptions { ConnectionString = _redis.ConnectionString });
        var stored = (await store.LoadHistoryAsync(Instrument)).Stored;
        var bar = (await store.LoadAsync(Instrument, openMs, openMs + 60_000)).SingleOrDefault()?.Candle;
        var ranges = string.Join(' ', stored.Checkpoint?.AppliedIds.Take(20).Select(r => $"[{r.Low}..{r.High}]") ?? []);
        return $"1m bar {openMs}: expected {expected[row]}, served {served[row]}; the tape's ids {ids.Min()}..{ids.Max()}; "
            + $"Redis: bar ids {bar?.FirstTradeId}..{bar?.LastTradeId}, {bar?.Trades} trades, rev {bar?.Revision}; applied {ranges}; "
            + $"venue: {_venue.Connections} connections, {_venue.RestCalls.GetValueOrDefault("/api/v3/historicalTrades")} REST pages; feeds: {await FeedsAsync()}";
    }

    /// <summary>What the surviving process says of its connectors, for a failure's message.</summary>
    private async Task<string> FeedsAsync()
    {
        try
        {
            using var http = _services.First(s => !s.HasExited).CreateClient();
            return await http.GetStringAsync("api/v1/feeds");
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException)
        {
            return e.Message;
        }
    }
}
