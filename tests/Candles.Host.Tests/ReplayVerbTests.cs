using System.CommandLine;
using System.Globalization;
using Candles.Host.Cli;
using Candles.Testing;

namespace Candles.Host.Tests;

/// <summary>The replay verb against a stand-in service on loopback that fails as scripted.</summary>
public class ReplayVerbTests
{
    private const int Ticks = 45;
    private const int Batch = 10;
    private static readonly long[] AllTradeIds = [.. Enumerable.Range(1, Ticks).Select(i => (long)i)];

    private static string Tape()
    {
        var path = Path.Combine(AggregateVerb.TempFolder(), "trades.csv");
        File.WriteAllLines(path, Enumerable.Range(1, Ticks).Select(i =>
            string.Create(CultureInfo.InvariantCulture, $"{i},{65000 + i}.00,0.01000,650.0,{1772150400975 + (i * 1000L)},False,True")));
        return path;
    }

    private static async Task<(int ExitCode, string Output, string Error)> ReplayAsync(Uri service, params string[] extra)
    {
        // Short waits keep the tests quick; a test's own value of an option replaces the one here.
        string[] defaults = ["--batch", Batch.ToString(CultureInfo.InvariantCulture), "--retry-delay", "1ms", "--retry-max-delay", "20ms"];
        for (var i = 0; i < defaults.Length; i += 2)
        {
            if (!extra.Contains(defaults[i]))
            {
                extra = [.. extra, defaults[i], defaults[i + 1]];
            }
        }

        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await CandlesCommandLine.Create().Parse(
        [
            "replay", "--file", Tape(), "--instrument", "TEST:RETRY", "--tick-size", "0.01", "--qty-step", "0.00001",
            "--url", service.ToString(), "--api-key", "k", .. extra,
        ]).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }

    [Fact(Timeout = 60_000)]
    public async Task BatchesFailedByTheServiceOrTheConnectionAreSentAgainInOrderAndCountedOnce()
    {
        await using var server = await FlakyIngestServer.StartAsync(ingests:
        [
            Answer.Unavailable, Answer.Accept,
            Answer.ServerError, Answer.DropConnection, Answer.Accept,
            Answer.TakeThenDropConnection, Answer.Accept,
            Answer.TooManyRequests,
        ]);

        var (exitCode, output, error) = await ReplayAsync(server.BaseAddress);

        Assert.True(exitCode == 0, error);
        Assert.Equal(AllTradeIds, server.Accepted.SelectMany(b => b.TradeIds));
        Assert.Equal([10, 10, 10, 10, 5], server.Accepted.Select(b => b.TradeIds.Count));
        Assert.Equal([false, false, false, false, true], server.Accepted.Select(b => b.Flush));
        Assert.Equal(5 + 5, server.IngestRequests);
        Assert.StartsWith("45 ticks sent: 35 accepted, 0 amended late, 10 duplicates, 0 rejected as too old, in ", output);
        Assert.EndsWith("ticks/s), 5 retries" + Environment.NewLine, output);
        Assert.Contains("ingest after 0 ticks: 503 Service Unavailable; retry 1 of 10 in ", error);
        Assert.Contains("ingest after 10 ticks: 500 Internal Server Error; retry 1 of 10 in ", error);
        Assert.Contains("ingest after 10 ticks: ", error.Split('\n').Where(l => l.Contains("retry 2 of 10", StringComparison.Ordinal)).Single());
    }

    [Fact(Timeout = 60_000)]
    public async Task TheDefinitionIsSentAgainAfterA503OrADroppedConnection()
    {
        await using var server = await FlakyIngestServer.StartAsync(defines: [Answer.Unavailable, Answer.DropConnection]);

        var (exitCode, output, error) = await ReplayAsync(server.BaseAddress);

        Assert.True(exitCode == 0, error);
        Assert.Equal(3, server.DefineRequests);
        Assert.Equal(AllTradeIds, server.Accepted.SelectMany(b => b.TradeIds));
        Assert.EndsWith(", 2 retries" + Environment.NewLine, output);
        Assert.Contains("defining TEST:RETRY: 503 Service Unavailable; retry 1 of 10", error);
    }

    [Fact(Timeout = 60_000)]
    public async Task ABadRequestIsNotSentAgain()
    {
        await using var server = await FlakyIngestServer.StartAsync(ingests: [Answer.Accept, Answer.BadRequest]);

        var (exitCode, _, error) = await ReplayAsync(server.BaseAddress);

        Assert.Equal(1, exitCode);
        Assert.Equal(2, server.IngestRequests);
        Assert.Contains("ingest after 10 ticks: 400 scripted BadRequest", error);
        Assert.DoesNotContain("retry", error, StringComparison.Ordinal);
        Assert.DoesNotContain("gave up", error, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task ARefusedDefinitionIsNotSentAgainAndIsBadInput()
    {
        await using var server = await FlakyIngestServer.StartAsync(defines: [Answer.BadRequest]);

        var (exitCode, _, error) = await ReplayAsync(server.BaseAddress);

        Assert.Equal(CandlesCommandLine.BadInput, exitCode);
        Assert.Equal(1, server.DefineRequests);
        Assert.Equal(0, server.IngestRequests);
        Assert.Contains("defining TEST:RETRY: 400 scripted BadRequest", error);
    }

    [Fact(Timeout = 60_000)]
    public async Task AServiceThatStaysUnavailableIsGivenUpAfterTheRetries()
    {
        await using var server = await FlakyIngestServer.StartAsync(otherwise: Answer.Unavailable, defines: [Answer.Accept]);

        var (exitCode, output, error) = await ReplayAsync(server.BaseAddress, "--retries", "3");

        Assert.Equal(1, exitCode);
        Assert.Equal(4, server.IngestRequests);
        Assert.Empty(server.Accepted);
        Assert.Empty(output);
        Assert.Contains("retry 3 of 3", error);
        Assert.DoesNotContain("retry 4", error, StringComparison.Ordinal);
        Assert.Contains("ingest after 0 ticks: 503 scripted Unavailable (gave up after 4 attempts)", error);
    }

    [Fact(Timeout = 60_000)]
    public async Task NoServiceListeningIsGivenUpAfterTheRetries()
    {
        var nobody = new Uri($"http://127.0.0.1:{LoopbackPorts.Free()}/");

        var (exitCode, _, error) = await ReplayAsync(nobody, "--retries", "2");

        Assert.Equal(1, exitCode);
        Assert.Contains("defining TEST:RETRY: ", error);
        Assert.Contains("retry 2 of 2", error);
        Assert.Contains($"cannot reach {nobody}: ", error);
        Assert.Contains("(gave up after 3 attempts)", error);
    }

    [Fact(Timeout = 60_000)]
    public async Task RetryAfterIsHonouredOnlyUpToTheLongestDelay()
    {
        await using var server = await FlakyIngestServer.StartAsync(ingests: [Answer.UnavailableForAnHour]);

        var (exitCode, output, error) = await ReplayAsync(server.BaseAddress, "--retry-max-delay", "50ms");

        Assert.True(exitCode == 0, error);
        Assert.Equal(AllTradeIds, server.Accepted.SelectMany(b => b.TradeIds));
        Assert.EndsWith(", 1 retry" + Environment.NewLine, output);
    }

    [Fact(Timeout = 60_000)]
    public async Task WithoutRetriesTheFirstFailureStopsTheReplay()
    {
        await using var server = await FlakyIngestServer.StartAsync(ingests: [Answer.Unavailable]);

        var (exitCode, _, error) = await ReplayAsync(server.BaseAddress, "--retries", "0");

        Assert.Equal(1, exitCode);
        Assert.Equal(1, server.IngestRequests);
        Assert.Contains("ingest after 0 ticks: 503 scripted Unavailable (gave up after 1 attempt)", error);
    }

    [Fact(Timeout = 60_000)]
    public async Task ProgressToARedirectedErrorOutputDrawsNoCarriageReturnFrames()
    {
        await using var server = await FlakyIngestServer.StartAsync(ingests: [Answer.Unavailable]);

        var (exitCode, output, error) = await ReplayAsync(server.BaseAddress, "--batch", "1");

        Assert.True(exitCode == 0, error);
        Assert.Equal(AllTradeIds, server.Accepted.SelectMany(b => b.TradeIds));
        Assert.Contains("retry 1 of 10", error);
        Assert.DoesNotContain('\r', error);
        Assert.DoesNotContain('\r', output);
    }

    [Theory]
    [InlineData("--retries must be between 0 and 1000", "--retries", "-1")]
    [InlineData("--retry-delay: '5' is not a duration such as 200ms, 0.5s or 2m", "--retry-delay", "5")]
    [InlineData("--retry-max-delay: '2d' is not a duration", "--retry-max-delay", "2d")]
    [InlineData("--retry-max-delay: '100000m' is longer than a day", "--retry-max-delay", "100000m")]
    [InlineData("--retry-max-delay must not be shorter than --retry-delay", "--retry-delay", "1s", "--retry-max-delay", "500ms")]
    public async Task BadRetryOptionIsRefusedWithExitCodeTwoAndTheOptionNamed(string message, params string[] options)
    {
        var (exitCode, _, error) = await ReplayAsync(new Uri("http://127.0.0.1:1/"), options);

        Assert.Equal(CandlesCommandLine.BadInput, exitCode);
        Assert.Contains(message, error);
    }

    [Fact]
    public void HelpNamesTheRetryOptions()
    {
        var (exitCode, output, _) = AggregateVerb.Run("replay", "--help");

        Assert.Equal(0, exitCode);
        Assert.Contains("--retries", output);
        Assert.Contains("--retry-delay", output);
        Assert.Contains("--retry-max-delay", output);
    }
}
