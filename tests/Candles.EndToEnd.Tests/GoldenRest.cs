using Candles.Testing;

namespace Candles.EndToEnd.Tests;

/// <summary>Every golden file against what a running service serves over REST, asked again while it answers 503.</summary>
internal static class GoldenRest
{
    /// <summary>Candles, footprints and profiles of every golden timeframe and zone, each equal to its golden file.</summary>
    public static async Task AssertAllAsync(HttpClient http, string instrument, string when)
    {
        foreach (var fileName in GoldenCase.FileNames())
        {
            var golden = GoldenCase.Parse(fileName);
            var expected = File.ReadAllLines(GoldenFiles.PathOf(fileName)).ToList();
            if (golden.Kind == "candles")
            {
                expected = [.. expected.Select(line => string.Join(',', line.Split(',').Take(10)))];
            }

            CsvAssert.Equal(expected, await ServedAsync(http, instrument, golden, expected[0]), $"{fileName} {when}");
        }
    }

    /// <summary>
    /// What REST serves, asked again while it answers 503 (as its Retry-After says): a grain of this timeframe may have
    /// lived on a silo the cluster has not declared dead yet. Any other failure, or 503 for a minute, fails the test.
    /// </summary>
    public static async Task<List<string>> ServedAsync(HttpClient http, string instrument, GoldenCase golden, string header)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            try
            {
                return await RestRows.ServedAsync(http, instrument, golden, header);
            }
            catch (HttpRequestException ex) when (ex.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable && DateTime.UtcNow < deadline)
            {
                await Task.Delay(500);
            }
        }
    }
}
