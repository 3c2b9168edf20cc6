using Candles.Testing;

namespace Candles.Host.Tests;

/// <summary>
/// Runs the aggregate verb once per kind of golden file (all timeframes of a zone in one invocation, as a
/// user would) and checks every golden file against what it wrote.
/// </summary>
public sealed class GoldenRun
{
    public GoldenRun()
    {
        Folder = AggregateVerb.TempFolder();
        var groups = GoldenCase.FileNames().Select(GoldenCase.Parse).GroupBy(c => (c.Kind, c.Zone, c.Step));
        foreach (var group in groups)
        {
            var args = new List<string>
            {
                "aggregate", "--file", GoldenFiles.Tape, "--tick-size", GoldenFiles.TickSize, "--qty-step", GoldenFiles.QuantityStep,
                "--tf", string.Join(',', group.Select(c => c.Timeframe).Distinct()), "--tz", group.Key.Zone, "--out", Folder,
            };
            if (group.Key.Kind != "candles")
            {
                args.Add("--" + group.Key.Kind);
            }

            if (group.Key.Step is not null)
            {
                args.AddRange(["--step", group.Key.Step]);
            }

            var (exitCode, output, error) = AggregateVerb.Run([.. args]);
            Log.Add($"{string.Join(' ', args)} -> {exitCode}\n{output}{error}");
        }
    }

    public string Folder { get; }

    public List<string> Log { get; } = [];
}

public class GoldenVerbTests(GoldenRun run) : IClassFixture<GoldenRun>
{
    public static TheoryDataOf Cases => GoldenCase.All();

    [Theory]
    [MemberData(nameof(Cases))]
    public void GoldenFileEqualsAggregateVerbOutput(string fileName)
    {
        var written = Path.Combine(run.Folder, fileName);
        Assert.True(File.Exists(written), $"the verb did not write {fileName}:\n{string.Join('\n', run.Log)}");
        CsvAssert.Equal(GoldenFiles.PathOf(fileName), written);
    }
}
