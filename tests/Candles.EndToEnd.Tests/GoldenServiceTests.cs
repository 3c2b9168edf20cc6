using System.CommandLine;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Candles.Host.Cli;
using Candles.Testing;

namespace Candles.EndToEnd.Tests;

/// <summary>The golden tape replayed through the replay verb into the running service (embedded), once for the class.</summary>
public class ReplayedGoldenService : IAsyncLifetime
{
    public const string Instrument = "BINANCE:BTCUSDT";

    public RunningService Server { get; protected set; } = new EmbeddedServer();

    public string ReplayOutput { get; private set; } = string.Empty;

    public virtual async Task InitializeAsync()
    {
        await Server.InitializeAsync();
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CandlesCommandLine.Create().Parse(
        [
            "replay", "--file", GoldenFiles.Tape, "--instrument", Instrument, "--tick-size", GoldenFiles.TickSize,
            "--qty-step", GoldenFiles.QuantityStep, "--url", Server.BaseAddress.ToString(), "--api-key", EmbeddedServer.ApiKey,
        ]).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        ReplayOutput = output.ToString();
        Assert.True(exit == 0, $"replay failed ({exit}): {error}");
    }

    public virtual Task DisposeAsync() => Server.DisposeAsync();
}

/// <summary>The same in cluster mode: a real redis-server and PostgreSQL, New York's calendar bars sealed too.</summary>
public sealed class ReplayedGoldenCluster : ReplayedGoldenService
{
    private readonly RedisServer _redis = new();
    private readonly PostgresServer _postgres = new();

    public override Task InitializeAsync()
    {
        Server = new RunningService(
            $"--Candles:Redis={_redis.ConnectionString}", $"--Candles:Postgres={_postgres.ConnectionString("candles_golden")}",
            $"--Candles:Silo:ClusterId=golden-{_redis.Port}", "--Candles:Seal:Zones:0=America/New_York");
        return base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Npgsql.NpgsqlConnection.ClearAllPools();
        _postgres.Dispose();
        _redis.Dispose();
    }
}

public class GoldenClusterTests(ReplayedGoldenCluster service) : GoldenServiceTests(service), IClassFixture<ReplayedGoldenCluster>;

public class GoldenServiceTests(ReplayedGoldenService service) : IClassFixture<ReplayedGoldenService>
{
    public static TheoryDataOf Cases => GoldenCase.All();

    [Fact]
    public void ReplayReportsEveryTickAccepted() =>
        Assert.StartsWith("466265 ticks sent: 466265 accepted, 0 amended late, 0 duplicates, 0 rejected as too old", service.ReplayOutput);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task GoldenFileEqualsWhatRestServes(string fileName)
    {
        var golden = GoldenCase.Parse(fileName);
        var expected = File.ReadAllLines(GoldenFiles.PathOf(fileName)).ToList();
        List<string> actual;
        if (golden.Kind == "candles")
        {
            // REST carries no first/last trade id: compare the other ten columns.
            expected = [.. expected.Select(line => string.Join(',', line.Split(',').Take(10)))];
            actual = [expected[0], .. (await Bars("candles", golden)).Select(RestRows.Candle)];
        }
        else if (golden.Kind == "footprint")
        {
            actual = [expected[0], .. (await Bars("footprint", golden)).SelectMany(FootprintRows)];
        }
        else
        {
            actual = [expected[0], .. (await Bars("footprint", golden)).Select(ProfileRow)];
        }

        CsvAssert.Equal(expected, actual, fileName);
    }

    /// <summary>Every bar, page by page (at most 5000 a request).</summary>
    private async Task<List<JsonElement>> Bars(string endpoint, GoldenCase golden)
    {
        var bars = new List<JsonElement>();
        long from = 0;
        while (true)
        {
            var url = $"api/v1/{endpoint}?instrument={ReplayedGoldenService.Instrument}&tf={golden.Timeframe}&tz={golden.Zone}&from={from}&limit=5000"
                + (golden.Step is null ? string.Empty : $"&step={golden.Step}");
            var page = await service.Server.Http.GetFromJsonAsync<JsonElement>(url);
            var items = page.GetProperty(endpoint == "candles" ? "candles" : "bars").EnumerateArray().ToList();
            bars.AddRange(items);
            if (items.Count < 5000)
            {
                return bars;
            }

            from = OpenTime(items[^1]) + 1;
        }
    }

    private static long OpenTime(JsonElement bar) => (bar.TryGetProperty("candle", out var candle) ? candle : bar).GetProperty("t").GetInt64();

    private static IEnumerable<string> FootprintRows(JsonElement bar)
    {
        var t = OpenTime(bar).ToString(CultureInfo.InvariantCulture);
        return bar.GetProperty("levels").EnumerateArray().Select(l =>
            string.Join(',', t, S(l, "p"), S(l, "bv"), S(l, "sv"), l.GetProperty("n").GetInt64().ToString(CultureInfo.InvariantCulture)));
    }

    private static string ProfileRow(JsonElement bar) => string.Join(
        ',', OpenTime(bar).ToString(CultureInfo.InvariantCulture), S(bar, "poc"), S(bar, "vah"), S(bar, "val"), S(bar, "delta"), S(bar.GetProperty("candle"), "v"));

    private static string S(JsonElement element, string name) => element.GetProperty(name).GetString()!;
}
