using System.CommandLine;
using System.Diagnostics;
using Candles.Host.Cli;
using Candles.Testing;

namespace Candles.EndToEnd.Tests;

/// <summary>The golden tape replayed into a running service by the <c>replay</c> verb, as an operator would.</summary>
internal static class GoldenReplay
{
    /// <summary>The replay verb against <paramref name="url"/>, retrying for up to about two minutes.</summary>
    public static Task<(int Exit, string Output)> ReplayAsync(Uri url, params string[] more) => Task.Run(async () =>
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var exit = await CandlesCommandLine.Create().Parse(
        [
            "replay", "--file", GoldenFiles.Tape, "--instrument", ReplayedGoldenService.Instrument, "--tick-size", GoldenFiles.TickSize,
            "--qty-step", GoldenFiles.QuantityStep, "--url", url.ToString(), "--api-key", RunningService.ApiKey,
            "--batch", "5000", "--retries", "40", "--retry-max-delay", "3s", .. more,
        ]).InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr });
        return (exit, $"{stdout}{stderr}");
    });

    /// <summary>Waits until the service holds at least <paramref name="bars"/> 1m bars of the tape: the replay is under way.</summary>
    public static async Task WaitForBarsAsync(HttpClient http, int bars)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var body = await http.GetStringAsync($"api/v1/candles?instrument={ReplayedGoldenService.Instrument}&tf=1m&limit=5000");
                if (System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("candles").GetArrayLength() >= bars)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not serving yet, or 503 while the cluster moves the instrument: ask again.
            }

            await Task.Delay(20);
        }

        Assert.Fail($"the replay did not reach {bars} bars within 60 s");
    }

    /// <summary>
    /// The status of a 1h read every 100 ms, and when on <paramref name="clock"/>, until <paramref name="replay"/> ends
    /// (5 min at most); 0 where no answer came (the connection refused).
    /// </summary>
    public static async Task<List<(TimeSpan At, int Status)>> ReadWhileAsync(HttpClient http, Task replay, Stopwatch clock)
    {
        var statuses = new List<(TimeSpan At, int Status)>();
        while (!replay.IsCompleted && clock.Elapsed < TimeSpan.FromMinutes(5))
        {
            var at = clock.Elapsed;
            try
            {
                using var response = await http.GetAsync($"api/v1/candles?instrument={ReplayedGoldenService.Instrument}&tf=1h");
                statuses.Add((at, (int)response.StatusCode));
            }
            catch (HttpRequestException)
            {
                statuses.Add((at, 0));
            }

            await Task.Delay(100);
        }

        return statuses;
    }
}
