using System.CommandLine;
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
        if (golden.Kind == "candles")
        {
            // REST carries no first/last trade id: compare the other ten columns.
            expected = [.. expected.Select(line => string.Join(',', line.Split(',').Take(10)))];
        }

        CsvAssert.Equal(expected, await RestRows.ServedAsync(service.Server.Http, ReplayedGoldenService.Instrument, golden, expected[0]), fileName);
    }
}
